import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import assert from 'node:assert/strict'
import { DomainError } from '../../src/domain/errors.ts'
import type { Db } from '../../src/store/db.ts'
import { importCsv, type ImportKind } from '../../src/store/import/import-csv.ts'

export const NOW = new Date('2024-05-10T12:00:00Z')

/** A temp folder for one test file's CSVs, removed when the process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-import-'))
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

let seq = 0
/** Writes `text` (joined with "\n" when given lines) to a fresh file in dir. */
export function writeCsv(dir: string, text: string | string[], name = `f${++seq}.csv`): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, Array.isArray(text) ? `${text.join('\n')}\n` : text)
  return file
}

export function run(db: Db, kind: ImportKind, file: string) {
  return importCsv(db, kind, file, { now: NOW })
}

/** Imports a file that must be refused; returns the problem lines. */
export async function refused(db: Db, kind: ImportKind, file: string): Promise<string[]> {
  const err = await run(db, kind, file).then(
    () => assert.fail('expected the import to be refused'),
    (e: unknown) => e,
  )
  assert.ok(err instanceof DomainError, String(err))
  assert.equal(err.code, 'IMPORT_INVALID', err.message)
  return err.details
}

export const TABLES = ['suppliers', 'products', 'offers', 'equivalents', 'customers', 'orders', 'order_lines', 'po_lines'] as const

/** Row counts of every table an import writes, to show a refused file changed nothing. */
export async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const t of TABLES) out[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0].n
  return out
}

/** Suppliers S1, S2, S3 and products A-1 … A-4, with offers, as most order tests need. */
export async function seedCatalog(db: Db, dir: string): Promise<void> {
  await run(db, 'suppliers', writeCsv(dir, [
    'supplier_id,name,email,lead_time_days',
    'S1,Acme,orders@acme.example,2',
    'S2,Bolt,,5',
    'S3,Coil,,',
  ]))
  await run(db, 'products', writeCsv(dir, [
    'sku,name,brand,family,color,size,price',
    'A-1,Trail shoe,Acme,shoe,red,42,89.90',
    'A-2,Trail shoe,Acme,shoe,blue,42,89.90',
    'A-3,Road shoe,Bolt,shoe,red,42,99',
    'A-4,Sock,Coil,sock,,,5.5',
  ]))
  await run(db, 'offers', writeCsv(dir, [
    'supplier_id,sku,supplier_sku,cost,available_qty,restock_date,lead_time_days',
    'S1,A-1,AC-1,40,5,,',
    'S2,A-1,BO-1,38,5,,',
    'S2,A-2,BO-2,41,0,2024-06-01,',
    'S3,A-3,CO-3,50,,,4',
  ]))
}

/**
 * `wismo import` as an inbound message: the file is stored raw (whole, in the same transaction
 * that claims it), then imported in one transaction that also marks the message applied. The
 * same file of the same kind imported again — or twice at once — is a duplicate: nothing changes.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db, Queryable } from '../db.ts'
import { DomainError } from '../../domain/errors.ts'
import { applyClaimed, type IngestOutcome } from '../inbound.ts'
import { CLAIM_SPACE, fileBody, storeOnce } from '../inbound-store.ts'
import { importCsvIn, isImportKind, type ImportKind, type ImportOptions, type ImportResult } from './import-csv.ts'

export type ImportOutcome = IngestOutcome<ImportResult>

/** The `source` an import is stored under; it names the kind, which recovery reads back. */
export const importSource = (kind: ImportKind) => `cli:import ${kind}`

async function readable(file: string): Promise<void> {
  try {
    const stat = await fs.promises.stat(file)
    if (!stat.isFile()) throw new Error('not a regular file')
    await fs.promises.access(file, fs.constants.R_OK)
  } catch (err) {
    throw new DomainError('IMPORT_FILE', `cannot read ${file}: ${(err as Error).message}`, { cause: err })
  }
}

/** Imports one CSV file of one kind, stored first; quarantined (with the first 20 problems) when refused. */
export async function importFile(db: Db, kind: ImportKind, file: string, opts: ImportOptions): Promise<ImportOutcome> {
  await readable(file)
  return db.session(async (s) => {
    const input = { kind: 'import_csv' as const, source: importSource(kind), filename: path.basename(file), body: Buffer.alloc(0), receivedAt: opts.now }
    const stored = await storeOnce(s, input, await fileBody(file))
    if (stored.duplicateOf !== null) return { outcome: 'duplicate', messageId: stored.messageId, duplicateOf: stored.duplicateOf }
    try {
      return await applyClaimed(s, stored.messageId, (tx) => importCsvIn(tx, kind, file, opts), {
        appliedAt: opts.now, supersedes: stored.supersedes, maxDetails: 20,
      })
    } finally {
      await s.unlock(CLAIM_SPACE, stored.messageId).catch(() => {})
    }
  })
}

/** Finishing a stored import (a sweep, after the process importing it stopped): its own bytes, from a scratch file. */
export function storedImportApplier(source: string, body: Buffer, now: Date): (tx: Queryable) => Promise<ImportResult> {
  const kind = source.replace(/^cli:import /, '')
  if (!isImportKind(kind)) throw new DomainError('INBOUND_SOURCE_UNKNOWN', `an import from "${source}" cannot be finished: unknown import kind`)
  return async (tx) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-import-'))
    const file = path.join(dir, `${kind}.csv`)
    try {
      fs.writeFileSync(file, body)
      return await importCsvIn(tx, kind, file, { now })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { DomainError } from '../../src/domain/errors.ts'
import { parseX12 } from '../../src/feeds/x12/reader.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { fuzzCases } from './mutate.ts'

const root = path.join(import.meta.dirname, '../fixtures/x12')
function samples(): { name: string; body: Buffer }[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
  return walk(root).sort().map((f) => ({ name: path.relative(root, f), body: fs.readFileSync(f) }))
}

const SEED = 20261120

test('600 mutated files each parse or are refused with a DomainError, never anything else', () => {
  const outcomes = { parsed: 0, refused: 0 }
  for (const c of fuzzCases(samples(), SEED, 600)) {
    try {
      parseX12(c.body)
      outcomes.parsed++
    } catch (err) {
      if (!(err instanceof DomainError)) assert.fail(`seed ${c.seed} (${c.sample}, ${c.kind}) threw ${(err as Error)?.stack ?? String(err)}`)
      assert.ok(err.message.length > 0 && !/undefined|NaN|\[object/.test(err.message), `seed ${c.seed}: unclear reason "${err.message}"`)
      outcomes.refused++
    }
  }
  // Both outcomes occur: the mutations are neither all harmless nor all fatal.
  assert.ok(outcomes.parsed > 50 && outcomes.refused > 200, JSON.stringify(outcomes))
})

test('mutations are reproducible from their seed', () => {
  const a = [...fuzzCases(samples(), 7, 20)].map((c) => c.body.toString('base64'))
  const b = [...fuzzCases(samples(), 7, 20)].map((c) => c.body.toString('base64'))
  assert.deepEqual(a, b)
})

test('40 mutated files through the database each end applied, quarantined or duplicate', async () => {
  const db = await freshDb()
  try {
    await seedCatalog(db)
    const seen: Record<string, number> = {}
    for (const c of fuzzCases(samples(), SEED + 10_000, 40)) {
      const o = await ingestSupplierFeed(db, {
        body: c.body, filename: `${path.basename(c.sample)}.edi`, supplierId: 'ACME', source: 'fuzz', receivedAt: new Date('2026-11-20T12:00:00Z'),
      }).catch((err: unknown) => assert.fail(`seed ${c.seed} (${c.sample}, ${c.kind}) threw ${(err as Error)?.stack ?? String(err)}`))
      seen[o.outcome] = (seen[o.outcome] ?? 0) + 1
    }
    const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'received'")
    assert.equal(n, 0, 'no message left half-done')
    assert.ok((seen.quarantined ?? 0) > 0, JSON.stringify(seen))
  } finally {
    await db.close()
  }
})

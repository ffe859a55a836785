/**
 * "Stored once" for every inbound kind: N identical deliveries at the same moment → exactly one
 * applied, N−1 duplicates, and what it carries recorded once. On PostgreSQL the copies race on
 * separate connections; on PGlite (one session) they interleave statement by statement.
 */
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { ingestCarrierFile } from '../../src/carriers/ingest-carrier-file.ts'
import { importFile } from '../../src/store/import/import-file.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { issueSupplierKey } from '../../src/store/supplier-keys.ts'
import { SECRETS, easyPostStep, post, seedShippedOrder, settled, signEasyPost } from '../carriers/webhook-kit.ts'

const N = 4
const at = new Date('2026-11-20T14:00:00Z')
const CSV = Buffer.from(['po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number',
  'PO-77,1,TENT-2P-GRN,backordered,2,2026-12-10,,', 'PO-77,2,,shipped,1,,,1Z999AA10123456784'].join('\n'))
const EDI = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/wismo/855-acme-po-w5001.edi'))
let db: Db

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W1001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 5, supplierId: 'ACME', poNumber: 'PO-77', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-77', poLine: '2' },
    ],
  })
  await seedOrder(db, {
    orderNumber: 'W5001', email: 'p@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [{ lineNo: 2, sku: 'STOVE-1', qty: 3, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '2' }],
  })
})
afterEach(() => db.close())

const count = async (sql: string, values: unknown[] = []) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values))[0].n

/** Exactly one applied, the rest duplicates of it; every copy recorded; nothing left half-done. */
async function assertOnce(kind: string, outcomes: { outcome: string; messageId: number; duplicateOf?: number }[]) {
  assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ['applied', ...Array(N - 1).fill('duplicate')], kind)
  const applied = outcomes.find((o) => o.outcome === 'applied')!
  for (const o of outcomes) if (o.outcome === 'duplicate') assert.equal(o.duplicateOf, applied.messageId)
  assert.equal(await count(`inbound_messages WHERE kind = $1`, [kind]), N)
  assert.equal(await count(`inbound_messages WHERE kind = $1 AND status = 'applied'`, [kind]), 1)
  assert.equal(await count(`inbound_messages WHERE status = 'received'`), 0)
  return applied.messageId
}

const all = <T>(make: () => Promise<T>) => Promise.all(Array.from({ length: N }, make))

test('supplier CSV: identical feeds at once are applied once', async () => {
  const outcomes = await all(() => ingestSupplierFeed(db, { body: CSV, filename: 'acme.csv', supplierId: 'ACME', source: 'test', receivedAt: at }))
  await assertOnce('supplier_csv', outcomes)
  assert.equal(await count('supplier_signals'), 2)
  assert.equal(await count('shipments'), 1)
})

test('X12: identical interchanges at once are applied once, each copy answered', async () => {
  const outcomes = await all(() => ingestSupplierFeed(db, { body: EDI, filename: 'po.edi', supplierId: null, source: 'test', receivedAt: at }))
  const id = await assertOnce('x12', outcomes)
  assert.equal(await count('supplier_signals WHERE message_id <> $1', [id]), 0)
  assert.ok((await count('supplier_signals')) > 0)
})

test('carrier events: identical files at once are applied once', async () => {
  await ingestSupplierFeed(db, { body: CSV, filename: 'acme.csv', supplierId: 'ACME', source: 'test', receivedAt: at })
  const body = Buffer.from(JSON.stringify([{ tracking_number: '1Z999AA10123456784', status: 'in_transit', occurred_at: '2026-11-21T08:00:00Z' }]))
  await assertOnce('carrier_events', await all(() => ingestCarrierFile(db, { body, filename: 'events.json', source: 'test', receivedAt: at })))
  assert.equal(await count('carrier_events'), 1)
})

test('import CSV: the same file imported N times at once is imported once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-once-'))
  const file = path.join(dir, 'products.csv')
  fs.writeFileSync(file, 'sku,name,price\nHAT-1,Wool hat,20\nHAT-2,Sun hat,25\n')
  const outcomes = await all(() => importFile(db, 'products', file, { now: at }))
  await assertOnce('import_csv', outcomes)
  assert.equal(await count(`products WHERE sku LIKE 'HAT-%'`), 2)
  // The same products file as offers is another message (and refused: it has no offer columns).
  assert.equal((await importFile(db, 'offers', file, { now: at })).outcome, 'quarantined')
  fs.rmSync(dir, { recursive: true, force: true })
})

async function withApp(fn: (app: FastifyInstance) => Promise<void>) {
  const app = await buildApp({
    db, clock: new TestClock(at), config: { holidays: [], lookupRateLimit: 1000, easypostWebhookSecret: SECRETS.easypost },
  })
  try {
    await fn(app)
  } finally {
    await app.close()
  }
}

test('HTTP supplier feeds: identical POSTs at once are applied once', async () => {
  const key = await issueSupplierKey(db, 'ACME')
  await withApp(async (app) => {
    const res = await all(() => app.inject({
      method: 'POST', url: '/api/suppliers/ACME/feeds?filename=acme.csv', payload: CSV,
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${key}` },
    }))
    assert.deepEqual(res.map((r) => r.statusCode), Array(N).fill(200))
    await assertOnce('supplier_csv', res.map((r) => r.json()))
  })
  assert.equal(await count('supplier_signals'), 2)
})

test('carrier webhooks: the same signed event POSTed N times at once is applied once', async () => {
  await seedShippedOrder(db, { order: 'W-EP', sku: 'TENT-2P-GRN', placedAt: '2014-11-17T10:00:00Z', carrier: 'UPS', tracking: 'EZ4000000004', shippedAt: '2014-11-21T12:00:00Z' })
  const body = easyPostStep('evt_once', 4, 'in_transit')
  await withApp(async (app) => {
    const res = await all(() => post(app, 'easypost', body, { 'x-hmac-signature': signEasyPost(body) }))
    // Answered once stored (202 accepted: applied after the answer), the copies as duplicates of it.
    assert.deepEqual(res.map((r) => r.statusCode).sort(), [...Array(N - 1).fill(200), 202])
    await settled(db)
    await assertOnce('carrier_webhook', res.map((r) => r.json()).map((o) => (o.outcome === 'accepted' ? { ...o, outcome: 'applied' } : o)))
  })
  assert.equal(await count(`carrier_events WHERE tracking_number = 'EZ4000000004'`), 4)
})

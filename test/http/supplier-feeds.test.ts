import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { issueSupplierKey } from '../../src/store/supplier-keys.ts'

let db: Db
let app: FastifyInstance
let key: string
const edi = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/wismo/855-acme-po-w5001.edi'))
const bad = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/wismo/855-acme-bad-count.edi'))

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W5001', email: 'p@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [{ lineNo: 2, sku: 'STOVE-1', qty: 3, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '2' }],
  })
  key = await issueSupplierKey(db, 'ACME')
  app = await buildApp({ db, clock: new TestClock('2026-11-20T12:00:00Z'), config: { holidays: [], lookupRateLimit: 100 } })
})
after(async () => {
  await app.close()
  await db.close()
})

const post = (body: Buffer, auth?: string, supplier = 'ACME') =>
  app.inject({
    method: 'POST', url: `/api/suppliers/${supplier}/feeds?filename=po.edi`, payload: body,
    headers: { 'content-type': 'application/edi-x12', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
  })

test('without the supplier key nothing is stored', async () => {
  for (const res of [await post(edi), await post(edi, 'wsk_wrong'), await post(edi, key, 'BOLT')]) {
    assert.equal(res.statusCode, 401)
    assert.equal(res.json().error.code, 'AUTH_INVALID')
  }
  const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_messages')
  assert.equal(n.n, 0)
})

test('a feed with the key is applied and answered with its 997; a replay is a duplicate', async () => {
  const res = await post(edi, key)
  assert.equal(res.statusCode, 200, res.body)
  const body = res.json()
  assert.equal(body.outcome, 'applied')
  assert.match(body.acknowledgment, /AK1\*PR\*101/)
  assert.ok(body.summary.some((s: string) => /PO-W5001 line 2.*backordered/.test(s)))
  // Only PO-W5001 line 2 is on file: the other six lines matched nothing, and the answer says so.
  assert.equal(body.unmatched, 6)
  const again = await post(edi, key)
  assert.equal(again.json().outcome, 'duplicate')
  const acks = await app.inject({ url: '/api/suppliers/ACME/acknowledgments', headers: { authorization: `Bearer ${key}` } })
  assert.equal(acks.statusCode, 200)
  assert.ok(acks.json().length >= 1)
})

test('a broken feed is a 422 with the reason, and kept', async () => {
  const res = await post(bad, key)
  assert.equal(res.statusCode, 422)
  assert.equal(res.json().outcome, 'quarantined')
  assert.match(res.json().reason, /segment #\d+/)
  const [row] = await db.query<{ status: string }>('SELECT status FROM inbound_messages WHERE message_id = $1', [res.json().messageId])
  assert.equal(row.status, 'quarantined')
})

test('the OpenAPI document describes the supplier routes', async () => {
  const spec = (await app.inject({ url: '/docs/json' })).json()
  assert.ok(spec.paths['/api/suppliers/{id}/feeds'].post)
  assert.ok(spec.paths['/api/suppliers/{id}/acknowledgments'].get)
})

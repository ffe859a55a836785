import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { buildApp } from '../../src/http/app.ts'
import { fixedClock } from '../../src/clock.ts'
import { signUnsubscribeToken } from '../../src/outreach/unsubscribe-token.ts'

const SECRET = 'test-secret-0123456789'
let db: Db
let app: FastifyInstance
let customerId: number
beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W1', email: 'dana@example.com', placedAt: '2026-11-02T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
  ;[{ customer_id: customerId }] = await db.query<{ customer_id: number }>('SELECT customer_id FROM customers')
  app = await buildApp({ db, clock: fixedClock(new Date('2026-11-03T12:00:00Z')), config: { holidays: [], lookupRateLimit: 100, secret: SECRET, storeName: 'Trailhead', storePhone: '1-800-555-0142', supportEmail: 'help@t.example' } })
})
afterEach(async () => { await app.close(); await db.close() })

const optedOut = async () => (await db.query<{ opted_out_at: Date | null }>('SELECT opted_out_at FROM customers'))[0].opted_out_at

test('GET shows a confirm page and changes nothing; the one-click POST opts out', async () => {
  const token = signUnsubscribeToken(customerId, SECRET)
  const get = await app.inject({ method: 'GET', url: `/unsubscribe?token=${token}` })
  assert.equal(get.statusCode, 200)
  assert.match(get.body, /<html lang="en">/)
  assert.match(get.body, /<form method="post"/)
  assert.equal(await optedOut(), null)
  const post = await app.inject({ method: 'POST', url: `/unsubscribe?token=${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
  assert.equal(post.statusCode, 200)
  assert.equal((await optedOut())?.toISOString(), '2026-11-03T12:00:00.000Z')
})

test('a tampered or foreign token is refused and changes nothing', async () => {
  const token = signUnsubscribeToken(customerId, 'another-secret-0123456789')
  for (const t of [token, `${customerId}.x`, '', `${customerId + 1}.${signUnsubscribeToken(customerId, SECRET).split('.')[1]}`]) {
    const r = await app.inject({ method: 'POST', url: `/unsubscribe?token=${encodeURIComponent(t)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
    assert.equal(r.statusCode, 400)
  }
  assert.equal(await optedOut(), null)
})

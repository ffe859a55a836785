import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { hashPassword } from '../../src/auth/password.ts'
import { upsertUser } from '../../src/store/users.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { ingestCarrierFile } from '../../src/carriers/ingest-carrier-file.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'

let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-23T15:05:00Z')
let cookie = ''
let csrf = ''
const LOST = '1Z999AA10123456784'

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W7001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }] })
  await db.query(`UPDATE customers SET phone = '(555) 123-4567'`)
  await ingestSupplierFeed(db, {
    body: Buffer.from(`po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nW7001,1,TENT-2P-GRN,shipped,1,,UPS,${LOST}\n`),
    filename: 'acme.csv', supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-18T12:00:00Z'),
  })
  const events = [{ tracking_number: LOST, carrier: 'UPS', status: 'exception', occurred_at: '2026-11-20T14:00:00Z', message: 'Package damaged in transit' }]
  await ingestCarrierFile(db, { body: Buffer.from(JSON.stringify(events)), filename: 'ups.json', source: 'test', receivedAt: new Date('2026-11-20T15:00:00Z') })
  await runSweep(db, { now: new Date('2026-11-20T20:05:00Z'), calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })
  await upsertUser(db, { email: 'rita@store.example', role: 'rep', passwordHash: await hashPassword('a long password'), now: clock.now() })
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: 'console-order-secret-0123456789' } })
  const page = await app.inject({ url: '/console' })
  const loginCookie = String(([] as string[]).concat(page.headers['set-cookie'] as string[]).find((c) => c.startsWith('wismo_login_csrf='))).split(';')[0]
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const res = await app.inject({
    method: 'POST', url: '/console/login', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    payload: `email=rita%40store.example&password=a+long+password&_csrf=${token}`,
  })
  cookie = String(([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('wismo_session='))).split(';')[0]
  csrf = /name="_csrf" value="([^"]+)"/.exec((await app.inject({ url: '/console', headers: { cookie } })).body)![1]
})
after(async () => {
  await app.close()
  await db.close()
})

const orderPage = async () => (await app.inject({ url: '/console/orders/W7001', headers: { cookie } })).body
const post = (url: string, form: Record<string, string>) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, payload: new URLSearchParams(form).toString() })
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ')

test('the rep view speaks to the rep, with the customer\'s phone, and every time in the store\'s zone, named', async () => {
  const page = text(await orderPage())
  assert.match(page, /A parcel of the customer's order has a delivery problem \(Package damaged in transit\)/)
  assert.doesNotMatch(page, /your order/i)
  assert.match(await orderPage(), /<a href="tel:5551234567">\(555\) 123-4567<\/a>/)
  // State history and tasks: Nov 20, 20:05 UTC is 3:05 PM in New York.
  assert.match(page, /State history When Line State ETA Cause Nov 20, 2026, 3:05 PM EST 1 exception/)
  assert.match(page, /Delay-notice record Applicable time: line 1: 2026-12-16 \(placed_at \+ 30 days\), shipped 2026-11-18/)
  assert.match(page, /Tasks .*Nov 20, 2026, 3:05 PM EST delivery problem|Tasks .*Nov 20, 2026, 3:05 PM EST carrier exception/)
  assert.match(page, /supplier Acme Outdoor Supply/)
})

test('a delivery problem: the actions need the CSRF token; a claim and a refund are recorded, audited, and close the exception task', async () => {
  const url = '/console/orders/W7001/lines/1/delivery/claim'
  const denied = await post(url, { tracking: LOST, reason: 'damaged', amount: '249.00', carrier: 'UPS' })
  assert.equal(denied.statusCode, 403)
  assert.equal((await db.query('SELECT 1 FROM delivery_actions')).length, 0)
  const bad = await post(url, { tracking: LOST, reason: 'damaged', amount: 'lots', carrier: 'UPS', _csrf: csrf })
  assert.match(decodeURIComponent(String(bad.headers.location)), /error=delivery&reason=amount: an amount like 249/)
  const claimed = await post(url, { tracking: LOST, reason: 'damaged', amount: '249.00', carrier: 'UPS', note: 'UPS claim 55-1', _csrf: csrf })
  assert.equal(claimed.headers.location, '/console/orders/W7001?done=claim#delivery')
  const refunded = await post('/console/orders/W7001/lines/1/delivery/refund', { tracking: LOST, reason: 'damaged', amount: '249.00', _csrf: csrf })
  assert.equal(refunded.headers.location, '/console/orders/W7001?done=refund#delivery')
  const audit = await db.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit_log WHERE action LIKE 'delivery.%' ORDER BY audit_id`)
  assert.deepEqual(audit, [{ actor: 'rep:rita@store.example', action: 'delivery.claim' }, { actor: 'rep:rita@store.example', action: 'delivery.refund' }])
  const page = text(await orderPage())
  assert.match(page, /Delivery actions .*claim UPS 1Z999AA10123456784 Damaged \$249\.00 claim open rep:rita@store\.example UPS claim 55-1/)
  assert.match(page, /closed Nov 23, 2026, 10:05 AM EST by wismo claim of 249\.00 filed with UPS/)
  assert.doesNotMatch(page, /Record the refund/, 'a refunded parcel offers no second refund or reship')
  const again = await post('/console/orders/W7001/lines/1/delivery/reship', { tracking: LOST, reason: 'damaged', supplier: 'BOLT', _csrf: csrf })
  assert.match(decodeURIComponent(String(again.headers.location)), /error=delivery&reason=line 1: parcel 1Z999AA10123456784 was already refunded/)
})

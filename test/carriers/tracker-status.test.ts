/**
 * The aggregator's reconciled status decides a parcel's state (issue 7): EasyPost's public
 * tracker.updated sample says delivered though its DELIVERED scan is dated before its
 * out-for-delivery scan. Stale webhooks are refused by the tracker's updated_at, not its scans.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { getOrderStatus } from '../../src/status/order-status.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { parcelStatus } from '../../src/domain/line-parts.ts'
import { SECRETS, afterShipBody, deliver, fixture, seedShippedOrder, signAfterShip, signEasyPost, type Json } from './webhook-kit.ts'
import { event } from '../domain/builders.ts'

let db: Db
let app: FastifyInstance
const clock = new TestClock('2014-11-25T12:00:00Z')

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedShippedOrder(db, { order: 'W-EP', sku: 'TENT-2P-GRN', placedAt: '2014-11-17T10:00:00Z', carrier: 'UPS', tracking: 'EZ4000000004', shippedAt: '2014-11-18T12:00:00Z' })
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, easypostWebhookSecret: SECRETS.easypost, aftershipWebhookSecret: SECRETS.aftership } })
})
after(async () => {
  await app.close()
  await db.close()
})

async function parcel() {
  const d = await getOrderStatus(db, 'W-EP', { now: clock.now(), calendar: await calendarFrom(db, { holidays: [] }) })
  assert.ok(d)
  const l = d.lines[0].status
  return { state: l.state, eta: l.eta, last: l.tracking[0].lastEvent?.message ?? null }
}
async function sendEasyPost(mutate: (e: Json) => void) {
  const e = fixture('easypost/tracking-webhook.json')
  mutate(e)
  const body = Buffer.from(JSON.stringify(e))
  const r = await deliver(app, db, 'easypost', body, { 'x-hmac-signature': signEasyPost(body) })
  assert.equal(r.statusCode, 202, r.body)
  return { outcome: r.status, summary: r.summary as string[] }
}

test('EasyPost\'s sample: delivered, dated by its DELIVERED scan; every scan kept with its own time', async () => {
  const r = await sendEasyPost(() => {})
  assert.equal(r.outcome, 'applied')
  assert.deepEqual(await parcel(), { state: 'delivered', eta: { earliest: '2014-11-19', latest: '2014-11-19', source: 'carrier' }, last: 'DELIVERED' })
  const history = await db.query<{ status: string; at: Date }>('SELECT status, occurred_at AS at FROM carrier_events WHERE tracking_number = $1 ORDER BY occurred_at', ['EZ4000000004'])
  assert.deepEqual(history.map((h) => h.status), ['delivered', 'pre_transit', 'in_transit', 'in_transit', 'in_transit', 'out_for_delivery'])
  const [kept] = await db.query<{ status: string; raw_status: string; final: boolean; updated_at: Date }>('SELECT * FROM tracker_status')
  assert.deepEqual([kept.status, kept.raw_status, kept.final, kept.updated_at.toISOString()], ['delivered', 'delivered', true, '2014-11-19T10:51:54.000Z'])
})

test('a webhook older by the tracker\'s updated_at is stale, even when its scans are newer', async () => {
  const r = await sendEasyPost((e) => {
    e.id = 'evt_stale'
    e.result.status = 'out_for_delivery'
    e.result.updated_at = '2014-11-19T09:00:00Z'
    e.result.tracking_details.push({ ...e.result.tracking_details[4], message: 'OUT FOR DELIVERY AGAIN', datetime: '2014-11-25T08:00:00Z' })
  })
  assert.match(r.summary.at(-1) ?? '', /stale: the easypost tracker said delivered at 2014-11-19T10:51:54.000Z; status not applied \(its scans are kept as history\)/)
  assert.equal((await parcel()).state, 'delivered')
})

test('delivered ends the story for other sources: a later AfterShip view of the number does not reopen it', async () => {
  const body = afterShipBody('as-late', 3, 'InTransit')
  const t = JSON.parse(body.toString())
  t.msg.tracking_number = 'EZ4000000004'
  t.msg.updated_at = '2014-11-24T00:00:00Z'
  const raw = Buffer.from(JSON.stringify(t))
  const r = await deliver(app, db, 'aftership', raw, { 'aftership-hmac-sha256': signAfterShip(raw) })
  assert.equal(r.statusCode, 202, r.body)
  assert.match(r.summary.at(-1) ?? '', /the easypost tracker's delivered is final; status not applied/)
  assert.equal((await parcel()).state, 'delivered')
})

test('a later-dated webhook of the same tracker may say otherwise (returned to sender)', async () => {
  await sendEasyPost((e) => {
    e.id = 'evt_returned'
    e.result.status = 'return_to_sender'
    e.result.updated_at = '2014-11-26T09:00:00Z'
    e.result.tracking_details.push({ ...e.result.tracking_details[5], status: 'return_to_sender', message: 'RETURNED TO SHIPPER', datetime: '2014-11-26T08:00:00Z' })
  })
  const p = await parcel()
  assert.deepEqual([p.state, p.last], ['exception', 'RETURNED TO SHIPPER'])
})

test('without a tracker view, a delivered scan still ends the story whatever the scans\' clocks say', () => {
  const scans = [event('1Z', 'out_for_delivery', new Date('2014-11-24T08:10:00Z')), event('1Z', 'delivered', new Date('2014-11-19T10:51:54Z'))]
  assert.equal(parcelStatus(scans, null), 'delivered')
  assert.equal(parcelStatus(scans.slice(0, 1), null), 'out_for_delivery')
  assert.equal(parcelStatus(scans, { trackingNumber: '1Z', status: 'exception', updatedAt: new Date('2014-11-26T00:00:00Z') }), 'exception')
  assert.equal(parcelStatus([], null), 'in_transit')
})

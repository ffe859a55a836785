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
import {
  SECRETS, afterShipBody, deliver, easyPostStep, fixture, post, seedShippedOrder, shippoBody, signAfterShip, signEasyPost, signShippo,
} from './webhook-kit.ts'

let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-20T12:00:00Z')

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedShippedOrder(db, { order: 'W-EP', sku: 'TENT-2P-GRN', placedAt: '2014-11-17T10:00:00Z', carrier: 'UPS', tracking: 'EZ4000000004', shippedAt: '2014-11-21T12:00:00Z' })
  await seedShippedOrder(db, { order: 'W-AS', sku: 'STOVE-1', placedAt: '2018-07-29T10:00:00Z', carrier: 'fedex', tracking: '1111111111111', shippedAt: '2018-07-31T12:00:00Z' })
  await seedShippedOrder(db, { order: 'W-SH', sku: 'TENT-2P-BLU', placedAt: '2016-12-05T10:00:00Z', carrier: 'usps', tracking: '9205590164917337534322', shippedAt: '2016-12-07T12:00:00Z' })
  app = await buildApp({
    db, clock,
    config: {
      holidays: [], lookupRateLimit: 100, easypostWebhookSecret: SECRETS.easypost, aftershipWebhookSecret: SECRETS.aftership,
      shippoWebhookSecret: SECRETS.shippo, shippoWebhookToken: SECRETS.shippoToken,
    },
  })
})
after(async () => {
  await app.close()
  await db.close()
})

async function line(order: string, now: string) {
  const d = await getOrderStatus(db, order, { now: new Date(now), calendar: await calendarFrom(db, { holidays: [] }) })
  assert.ok(d, order)
  const l = d.lines[0].status
  return { state: l.state, reason: l.reason, estimate: l.tracking[0]?.estimatedDelivery ?? null }
}
const stored = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_messages'))[0].n
const eventsOf = async (n: string) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM carrier_events WHERE tracking_number = $1', [n]))[0].n

test('EasyPost: signed tracker updates move the line in transit → out for delivery → delivered; a replay changes nothing', async () => {
  const step1 = easyPostStep('evt_step1', 4, 'in_transit')
  const r1 = await deliver(app, db, 'easypost', step1, { 'x-hmac-signature': signEasyPost(step1) })
  assert.equal(r1.statusCode, 202, r1.body)
  assert.equal(r1.json.outcome, 'accepted')
  assert.equal(r1.json.events, 4)
  assert.equal(r1.status, 'applied')
  assert.deepEqual(await line('W-EP', '2014-11-23T12:00:00Z'), { state: 'in_transit', reason: null, estimate: '2014-11-27' })

  const step2 = easyPostStep('evt_step2', 5, 'out_for_delivery')
  const r2 = await deliver(app, db, 'easypost', step2, { 'x-hmac-signature': signEasyPost(step2) })
  assert.deepEqual([r2.statusCode, r2.json.events, r2.status], [202, 5, 'applied'])
  assert.match(r2.summary.join('\n'), /EZ4000000004: in_transit at 2014-11-21T14:48:00.000Z — already known/)
  assert.equal((await line('W-EP', '2014-11-24T12:00:00Z')).state, 'out_for_delivery')

  // The guide's sample itself: its tracker says delivered, though its DELIVERED scan is dated
  // before its out-for-delivery scan (issue 7). The tracker's word is the parcel's state.
  const final = fixture('easypost/tracking-webhook.json')
  final.id = 'evt_step3'
  const step3 = Buffer.from(JSON.stringify(final))
  const r3 = await deliver(app, db, 'easypost', step3, { 'x-hmac-signature': signEasyPost(step3) })
  assert.deepEqual([r3.statusCode, r3.json.outcome, r3.status], [202, 'accepted', 'applied'])
  assert.match(r3.summary.join('\n'), /EZ4000000004: easypost tracker says delivered \(updated 2014-11-19T10:51:54.000Z\) — the parcel's state/)
  assert.equal((await line('W-EP', '2014-11-25T12:00:00Z')).state, 'delivered')

  const before = [await stored(), await eventsOf('EZ4000000004')]
  // Same event id, re-serialized (other bytes): still a replay.
  const again = Buffer.from(JSON.stringify(final, null, 2))
  const r4 = await deliver(app, db, 'easypost', again, { 'x-hmac-signature': signEasyPost(again) })
  assert.deepEqual([r4.statusCode, r4.json.outcome, r4.json.duplicateOf, r4.status], [200, 'duplicate', r3.json.messageId, 'duplicate'])
  assert.equal(await eventsOf('EZ4000000004'), before[1])
  assert.equal(await stored(), before[0] + 1, 'the replay is recorded as a duplicate delivery')
})

test('a late, older event never moves a delivered parcel back', async () => {
  const late = easyPostStep('evt_late', 4, 'in_transit')
  const event = JSON.parse(late.toString())
  event.result.tracking_details[3] = { ...event.result.tracking_details[3], message: 'ARRIVAL SCAN (late copy)', datetime: '2014-11-24T11:00:00Z' }
  const body = Buffer.from(JSON.stringify(event))
  const r = await deliver(app, db, 'easypost', body, { 'x-hmac-signature': signEasyPost(body) })
  assert.deepEqual([r.statusCode, r.json.outcome, r.status], [202, 'accepted', 'applied'])
  assert.match(r.summary.join('\n'), /stale: the easypost tracker said delivered at 2014-11-19T10:51:54.000Z; status not applied/)
  assert.equal((await line('W-EP', '2014-11-25T12:00:00Z')).state, 'delivered')
  // The unmodified sample again (a replay) changes nothing either.
  const raw = Buffer.from(JSON.stringify(fixture('easypost/tracking-webhook.json')))
  await deliver(app, db, 'easypost', raw, { 'x-hmac-signature': signEasyPost(raw) })
  assert.equal((await line('W-EP', '2014-11-25T12:00:00Z')).state, 'delivered')
})

test('AfterShip: an Exception checkpoint is an exception with the carrier reason; the full history then delivers', async () => {
  const upToException = afterShipBody('2b7c0f3e-6f0d-4d1e-9d1a-000000000001', 5, 'Exception')
  const r1 = await deliver(app, db, 'aftership', upToException, { 'aftership-hmac-sha256': signAfterShip(upToException) })
  assert.deepEqual([r1.statusCode, r1.json.events, r1.status], [202, 5, 'applied'], r1.body)
  const ex = await line('W-AS', '2018-08-01T05:00:00Z')
  assert.equal(ex.state, 'exception')
  assert.match(ex.reason ?? '', /Barcode label unreadable and replaced/)

  const full = afterShipBody('2b7c0f3e-6f0d-4d1e-9d1a-000000000002', 11, 'Delivered')
  const r2 = await deliver(app, db, 'aftership', full, { 'aftership-hmac-sha256': signAfterShip(full) })
  assert.deepEqual([r2.statusCode, r2.json.events, r2.status], [202, 11, 'applied'])
  // AfterShip's own prediction rides on the latest event.
  assert.deepEqual(await line('W-AS', '2018-08-02T12:00:00Z'), { state: 'delivered', reason: null, estimate: '2018-08-01' })
})

test('Shippo: a signed track_updated delivers; the URL token works where the account has no signing', async () => {
  const body = shippoBody()
  const r = await deliver(app, db, 'shippo', body, { 'shippo-auth-signature': signShippo(body, clock.now()) })
  assert.deepEqual([r.statusCode, r.json.outcome, r.json.events, r.status], [202, 'accepted', 11, 'applied'], r.body)
  assert.deepEqual(await line('W-SH', '2016-12-09T12:00:00Z'), { state: 'delivered', reason: null, estimate: '2016-12-08' })

  const track = fixture('shippo/test_get_status.response-body.DERIVED.json')
  track.tracking_status = { ...track.tracking_history[4], object_id: 'late-transit' }
  track.tracking_history = [track.tracking_status]
  const late = shippoBody(track)
  const byToken = await deliver(app, db, 'shippo', late, {}, `?token=${SECRETS.shippoToken}`)
  assert.deepEqual([byToken.statusCode, byToken.json.outcome, byToken.status], [202, 'accepted', 'applied'], byToken.body)
  assert.equal((await line('W-SH', '2016-12-09T12:00:00Z')).state, 'delivered', 'an older TRANSIT does not undo the delivery')
})

test('unsigned, wrongly signed, stale or unconfigured webhooks get 401 and nothing is stored', async () => {
  const ep = easyPostStep('evt_forged', 6, 'delivered')
  const as = afterShipBody('forged', 3, 'InTransit')
  const sh = shippoBody()
  const now = clock.now()
  const before = await stored()
  const attempts = [
    await post(app, 'easypost', ep),
    await post(app, 'easypost', ep, { 'x-hmac-signature': signEasyPost(ep, 'not-the-secret') }),
    await post(app, 'easypost', ep, { 'x-hmac-signature': signEasyPost(Buffer.from(`${ep} `)) }),
    await post(app, 'aftership', as),
    await post(app, 'aftership', as, { 'aftership-hmac-sha256': signAfterShip(as, 'not-the-secret') }),
    await post(app, 'shippo', sh),
    await post(app, 'shippo', sh, { 'shippo-auth-signature': signShippo(sh, new Date(now.getTime() - 301_000)) }),
    await post(app, 'shippo', sh, { 'shippo-auth-signature': signShippo(sh, new Date(now.getTime() + 301_000)) }),
    await post(app, 'shippo', sh, { 'shippo-auth-signature': signShippo(sh, now, 'not-the-secret') }),
    await post(app, 'shippo', sh, {}, '?token=tok_guess'),
  ]
  for (const [i, r] of attempts.entries()) {
    assert.equal(r.statusCode, 401, `attempt ${i}: ${r.body}`)
    assert.equal(r.json().error.code, 'WEBHOOK_SIGNATURE_INVALID')
  }
  assert.equal(await stored(), before)

  const bare = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100 } })
  try {
    const r = await post(bare, 'shippo', sh, { 'shippo-auth-signature': signShippo(sh, now) })
    assert.equal(r.statusCode, 401)
    assert.deepEqual(r.json().error, { code: 'WEBHOOK_NOT_CONFIGURED', message: 'the Shippo webhook is not configured: set SHIPPO_WEBHOOK_SECRET or SHIPPO_WEBHOOK_TOKEN' })
    assert.match((await post(bare, 'easypost', ep, { 'x-hmac-signature': signEasyPost(ep) })).json().error.message, /EasyPost webhook is not configured: set EASYPOST_WEBHOOK_SECRET/)
  } finally {
    await bare.close()
  }
  assert.equal(await stored(), before)
})

test('a signed body that cannot be read is kept, quarantined and answered 400 with the reason', async () => {
  const cases: [string, RegExp][] = [
    ['{"id": "evt_cut", "description": "tracker.updated", ', /^the body is not valid JSON/],
    [JSON.stringify({ id: 'evt_shape', description: 'tracker.updated', result: { tracking_details: [] } }), /^not a valid EasyPost tracking webhook: result\.tracking_code/],
  ]
  for (const [text, reason] of cases) {
    const body = Buffer.from(text)
    const r = await post(app, 'easypost', body, { 'x-hmac-signature': signEasyPost(body) })
    assert.equal(r.statusCode, 400, r.body)
    assert.equal(r.json().outcome, 'quarantined')
    assert.match(r.json().reason, reason)
    const [row] = await db.query<{ status: string; body: Buffer; source: string; kind: string }>(
      'SELECT status, body, source, kind FROM inbound_messages WHERE message_id = $1', [r.json().messageId])
    assert.deepEqual([row.status, row.kind, row.source, Buffer.from(row.body).toString()], ['quarantined', 'carrier_webhook', 'webhook:easypost', text])
  }
})

test('an event that is not about tracking is accepted and ignored (so the provider does not retry it)', async () => {
  const body = Buffer.from(JSON.stringify({ id: 'evt_batch', object: 'Event', description: 'batch.updated', result: { id: 'batch_1' } }))
  const r = await deliver(app, db, 'easypost', body, { 'x-hmac-signature': signEasyPost(body) })
  assert.deepEqual([r.statusCode, r.json.outcome, r.json.events, r.status, r.summary], [202, 'accepted', 0, 'applied', ['ignored: batch.updated is not a tracker event']])
})

test('the OpenAPI document describes the three webhooks', async () => {
  const spec = (await app.inject({ url: '/docs/json' })).json()
  for (const p of ['easypost', 'aftership', 'shippo']) {
    const op = spec.paths[`/api/carriers/${p}/webhook`]?.post
    assert.ok(op, p)
    assert.ok(op.responses['200'] && op.responses['202'] && op.responses['401'] && op.responses['400'], p)
  }
  // The rest of the app still parses JSON bodies itself (the raw-body parser is confined to the webhooks).
  const lookup = await app.inject({ url: '/api/orders/W-EP/status?email=dana@example.com' })
  assert.equal(lookup.statusCode, 200)
})

test('a signed webhook carrying a NUL in its JSON is stored, quarantined with a reason and answered 400; nothing applied', async () => {
  const event = JSON.parse(easyPostStep('evt_nul', 4, 'in_transit').toString())
  event.result.tracking_details[0].message = 'ARRIVAL\u0000SCAN'
  const body = Buffer.from(JSON.stringify(event))
  const before = await eventsOf('EZ4000000004')
  const r = await post(app, 'easypost', body, { 'x-hmac-signature': signEasyPost(body) })
  assert.equal(r.statusCode, 400, r.body)
  assert.doesNotMatch(r.body, /invalid byte sequence|SELECT|INSERT/)
  const [m] = await db.query<{ status: string; error: string | null }>(
    `SELECT status, error FROM inbound_messages WHERE kind LIKE 'carrier%' ORDER BY message_id DESC LIMIT 1`)
  assert.equal(m.status, 'quarantined')
  assert.match(m.error ?? '', /NUL/)
  assert.equal(await eventsOf('EZ4000000004'), before)
})

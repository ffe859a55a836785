import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import * as easypost from '../../src/carriers/webhooks/easypost.ts'
import * as aftership from '../../src/carriers/webhooks/aftership.ts'
import * as shippo from '../../src/carriers/webhooks/shippo.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { fixture, fixtureBytes, signShippo, type Json } from './webhook-kit.ts'

const brief = (events: { status: string; occurredAt: Date; location: string | null; message: string | null; estimatedDelivery: string | null }[]) =>
  events.map((e) => [e.status, e.occurredAt.toISOString(), e.location, e.message, e.estimatedDelivery])

test('EasyPost: each tracking_detail is an event; the estimate goes on the latest', () => {
  const n = easypost.normalize(fixture('easypost/event-body.json'))
  assert.equal(n.eventId, 'evt_1')
  assert.equal(n.events.length, 7)
  assert.deepEqual(n.events.map((e) => e.status), ['pre_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit'])
  assert.deepEqual(brief(n.events).at(-1), ['in_transit', '2024-08-02T18:50:00.000Z', 'EDISON, NJ', 'Arrived at FedEx location', '2024-08-05'])
  assert.ok(n.events.slice(0, -1).every((e) => e.estimatedDelivery === null))
  assert.deepEqual([n.events[0].trackingNumber, n.events[0].carrier, n.events[0].location], ['1', 'FedEx', '32837'])
})

test('EasyPost statuses map to ours; an exception keeps the carrier reason', () => {
  const event = fixture('easypost/tracking-webhook.json')
  const detail = event.result.tracking_details[0]
  const at = (status: string, message: string | null, statusDetail?: string) => {
    event.result.tracking_details = [{ ...detail, status, message, status_detail: statusDetail }]
    return easypost.normalize(event).events[0]
  }
  assert.deepEqual([at('available_for_pickup', 'HELD AT ACCESS POINT').status, at('unknown', null).status], ['out_for_delivery', 'pre_transit'])
  assert.deepEqual([at('return_to_sender', 'RETURNED: ADDRESS UNKNOWN').status, at('return_to_sender', 'RETURNED: ADDRESS UNKNOWN').message],
    ['exception', 'RETURNED: ADDRESS UNKNOWN'])
  assert.deepEqual([at('failure', null, 'delivery_failed').status, at('failure', null, 'delivery_failed').message], ['exception', 'delivery failed'])
  // A status EasyPost adds later does not refuse the webhook.
  assert.equal(at('in_customs_someday', 'CLEARANCE').status, 'in_transit')
})

test("EasyPost's signature: the NFKD-normalized secret, as its client libraries compute it", () => {
  // event-body.json without its final newline, secret "sécret": the vector EasyPost's client-library fixtures use
  // (cross-checked by computing it here).
  const body = fixtureBytes('easypost/event-body.json').subarray(0, -1)
  const header = 'hmac-sha256-hex=38f3f53c103713df81616a0a186d77141957323ec21d5fe9363db93840f527db'
  assert.ok(easypost.verify(body, { 'x-hmac-signature': header }, 's\u00e9cret'))
  assert.ok(easypost.verify(body, { 'x-hmac-signature': header.toUpperCase().replace('HMAC-SHA256-HEX', 'hmac-sha256-hex') }, 's\u00e9cret'))
  const nfc = `hmac-sha256-hex=${createHmac('sha256', 's\u00e9cret').update(body).digest('hex')}`
  assert.notEqual(nfc, header, 'keying with the composed form would not match')
  assert.ok(!easypost.verify(body, { 'x-hmac-signature': nfc }, 's\u00e9cret'))
  assert.ok(!easypost.verify(Buffer.concat([body, Buffer.from(' ')]), { 'x-hmac-signature': header }, 's\u00e9cret'))
  assert.ok(!easypost.verify(body, {}, 's\u00e9cret'))
})

test('AfterShip: checkpoints become events with their own offsets; tags map to ours', () => {
  const tracking = fixture('aftership/GetTrackingResult.json').data.tracking
  const n = aftership.normalize({ event: 'tracking_update', event_id: 'e-1', msg: tracking, ts: 1534482646 })
  assert.equal(n.eventId, 'e-1')
  assert.equal(n.events.length, 14)
  assert.deepEqual([...new Set(n.events.map((e) => e.status))], ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'])
  assert.equal(n.events.at(-1)?.estimatedDelivery, '2022-01-05')
  assert.equal(n.events[0].trackingNumber, '111111111111')
  const tags = ['Pending', 'InfoReceived', 'InTransit', 'OutForDelivery', 'AvailableForPickup', 'Delivered', 'AttemptFail', 'Exception', 'Expired']
  const msg = { tracking_number: 'x 1', slug: 'ups', checkpoints: tags.map((tag, i) => ({ tag, checkpoint_time: `2026-11-2${i}T10:00:00`, message: `m${i}`, city: 'Reno', state: 'NV' })) }
  const m = aftership.normalize({ msg, id: 'ignored', ts: 5 })
  assert.deepEqual(m.events.map((e) => e.status),
    ['pre_transit', 'pre_transit', 'in_transit', 'out_for_delivery', 'out_for_delivery', 'delivered', 'exception', 'exception', 'exception'])
  // No offset given: read as UTC, never as the server's own zone.
  assert.deepEqual([m.events[0].occurredAt.toISOString(), m.events[0].trackingNumber, m.events[0].location], ['2026-11-20T10:00:00.000Z', 'X1', 'Reno, NV'])
  assert.match(m.eventId, /^[0-9a-f]{64}$/, 'no event_id and no msg.id: a hash of the body')
  assert.equal(aftership.normalize({ msg: { ...msg, id: 'trk9' }, ts: 77 }).eventId, 'trk9:77')
})

test('Shippo: the history and the current status, UNKNOWN as pre-transit, out for delivery from the substatus', () => {
  const track = fixture('shippo/test_get_status.response-body.DERIVED.json')
  const n = shippo.normalize({ event: 'track_updated', test: false, data: track })
  assert.equal(n.eventId, 'usps:9205590164917337534322:63f2422c8f694d72adaf7d7fbf87706a')
  assert.equal(n.events.length, 11, 'the current status is the last history entry, not a twelfth event')
  assert.deepEqual(n.events.map((e) => e.status).join(' '), `pre_transit pre_transit ${'in_transit '.repeat(8)}delivered`)
  assert.deepEqual(brief(n.events).at(-1), ['delivered', '2016-12-08T15:19:00.000Z', 'Berkeley, CA', 'Your shipment has been delivered at the destination mailbox.', '2016-12-08'])

  const entry = (status: string, extra: Json = {}) => ({ ...track.tracking_history[4], ...extra, status })
  const t2 = { ...track, tracking_history: [entry('TRANSIT', { substatus: { code: 'out_for_delivery', text: 'Out for delivery' } }), entry('RETURNED', { status_details: '' , substatus: { code: 'return_to_sender', text: 'Returned to sender' } })] }
  t2.tracking_status = t2.tracking_history[1]
  assert.deepEqual(shippo.normalize({ event: 'track_updated', data: t2 }).events.map((e) => [e.status, e.message]), [
    ['out_for_delivery', 'Your shipment has departed the USPS facility.'], ['exception', 'Returned to sender'],
  ])
  assert.deepEqual(shippo.normalize({ event: 'transaction_created', data: {} }).events, [])
})

test('Shippo signature: t and v1 over "t.body", 5 minutes either way, any v1 of a rotation', () => {
  const body = Buffer.from('{"event":"track_updated"}')
  const now = new Date('2026-11-20T12:00:00Z')
  const auth = { secret: 'shh' }
  const ok = (header: string, at = now) => shippo.verify(body, { 'shippo-auth-signature': header }, auth, at)
  const good = signShippo(body, now, 'shh')
  assert.ok(ok(good))
  assert.ok(ok(good, new Date(now.getTime() + 300_000)), 'exactly 5 minutes old is still fresh')
  assert.ok(!ok(good, new Date(now.getTime() + 301_000)))
  assert.ok(ok(`${signShippo(body, now, 'old').split(',')[0]},v1=${'0'.repeat(64)},${good.split(',')[1]}`))
  assert.ok(!ok('v1=abc') && !ok('t=abc,v1=abc') && !ok(`t=${Math.floor(now.getTime() / 1000)}`))
  assert.ok(shippo.verify(body, {}, { token: 'tok', givenToken: 'tok' }, now))
  assert.ok(!shippo.verify(body, {}, { token: 'tok', givenToken: 'tok2' }, now))
  assert.ok(!shippo.verify(body, {}, { givenToken: 'anything' }, now), 'no token configured: none is accepted')
})

test('wrong shapes are refused with a reason naming the field', () => {
  const refuses = (fn: () => unknown, reason: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof DomainError && e.code === 'CARRIER_WEBHOOK_INVALID' && reason.test(e.message))
  refuses(() => easypost.normalize([]), /^not a valid EasyPost tracking webhook: body: /)
  refuses(() => aftership.normalize({ msg: { checkpoints: [] } }), /msg\.tracking_number/)
  const track = fixture('shippo/test_get_status.response-body.DERIVED.json')
  track.tracking_history[2].status_date = 'yesterday'
  refuses(() => shippo.normalize({ event: 'track_updated', data: track }), /data\.tracking_history\.2\.status_date: "yesterday" is not an ISO-8601 date-time/)
})

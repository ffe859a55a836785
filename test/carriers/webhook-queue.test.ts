/**
 * Carrier webhooks are answered once stored and applied after (src/feeds/apply-queue.ts): the
 * answer comes before the apply, what a stopped process left stored is applied later exactly once
 * (by the sweep's pickup, or by the provider's resend taking it over), a duplicate is never applied
 * twice, and a forged delivery stores nothing. An app built with `webhookApplyConcurrency: 0`
 * applies nothing itself: it is the process that stored a delivery and stopped before applying it.
 */
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { finishUnfinished } from '../../src/feeds/finish-inbound.ts'
import { SECRETS, afterShipBody, easyPostStep, messageOf, post, seedShippedOrder, settled, signAfterShip, signEasyPost } from './webhook-kit.ts'

let db: Db
const clock = new TestClock('2026-11-20T12:00:00Z')
const config = { holidays: [], lookupRateLimit: 100, easypostWebhookSecret: SECRETS.easypost, aftershipWebhookSecret: SECRETS.aftership }
const TN = 'EZ4000000004'

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedShippedOrder(db, { order: 'W-EP', sku: 'TENT-2P-GRN', placedAt: '2014-11-17T10:00:00Z', carrier: 'UPS', tracking: TN, shippedAt: '2014-11-21T12:00:00Z' })
  await db.query('UPDATE order_lines SET dirty = false')
})
afterEach(() => db.close())

async function withApp<T>(fn: (app: FastifyInstance) => Promise<T>, webhookApplyConcurrency?: number): Promise<T> {
  const app = await buildApp({ db, clock, config, webhookApplyConcurrency })
  try {
    return await fn(app)
  } finally {
    await app.close()
  }
}

const count = async (sql: string, values: unknown[] = []) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values))[0].n
const version = async () => (await db.query<{ v: number }>(`SELECT version::int AS v FROM orders WHERE order_number = 'W-EP'`))[0].v
const send = (app: FastifyInstance, body: Buffer) => post(app, 'easypost', body, { 'x-hmac-signature': signEasyPost(body) })

test('a signed webhook is answered 202 once stored, before anything of it is applied; the sweep applies it', async () => {
  const body = easyPostStep('evt_later', 4, 'in_transit')
  const v0 = await version()
  const r = await withApp((app) => send(app, body), 0)
  assert.equal(r.statusCode, 202, r.body)
  assert.deepEqual({ ...(r.json() as object), messageId: 0 }, { outcome: 'accepted', messageId: 0, events: 4 })
  // Stored raw and answered; nothing of it applied yet.
  const m = await messageOf(db, r.json().messageId)
  assert.equal(m.status, 'received')
  assert.equal(await count('carrier_events'), 0)
  assert.equal(await count('tracker_status'), 0)
  assert.equal(await version(), v0)

  const swept = await finishUnfinished(db, { now: clock.now() })
  assert.deepEqual([swept.finished, swept.quarantined, swept.failed], [1, 0, 0])
  assert.equal((await messageOf(db, r.json().messageId)).status, 'applied')
  assert.equal(await count('carrier_events WHERE tracking_number = $1', [TN]), 4)
  // The tracker's view is kept, and the line is marked for the sweep (so the customer is told by the usual path).
  assert.equal(await count(`tracker_status WHERE tracking_number = $1 AND status = 'in_transit'`, [TN]), 1)
  assert.equal(await count('order_lines WHERE dirty'), 1)
  assert.ok((await version()) > v0, 'the order version moved on')
})

test('a process stopped after storing: the delivery is applied later exactly once, by the sweep or by the resend', async () => {
  const one = easyPostStep('evt_one', 4, 'in_transit')
  const two = afterShipBody('as-evt-two', 5, 'Exception')
  // The process that stored them and stopped before applying them.
  await withApp(async (app) => {
    assert.equal((await send(app, one)).statusCode, 202)
    assert.equal((await post(app, 'aftership', two, { 'aftership-hmac-sha256': signAfterShip(two) })).statusCode, 202)
  }, 0)
  assert.equal(await count(`inbound_messages WHERE status = 'received'`), 2)

  // The sweep's pickup applies the first; the provider resends the second to a live process, which takes it over.
  await withApp(async (app) => {
    const [m1] = await db.query<{ message_id: number }>(`SELECT message_id FROM inbound_messages WHERE dedupe_key = 'easypost:evt_one'`)
    const { finishMessage } = await import('../../src/feeds/finish-inbound.ts')
    assert.equal(await finishMessage(db, m1.message_id, clock.now()), 'applied')
    const resent = await post(app, 'aftership', two, { 'aftership-hmac-sha256': signAfterShip(two) })
    assert.equal(resent.statusCode, 202, resent.body)
    await settled(db)
    // And again, now that it is applied: a duplicate.
    const again = await send(app, one)
    assert.deepEqual([again.statusCode, again.json().outcome, again.json().duplicateOf], [200, 'duplicate', m1.message_id])
  })
  const swept = await finishUnfinished(db, { now: clock.now() })
  assert.deepEqual([swept.finished, swept.quarantined, swept.failed], [0, 0, 0])
  const rows = await db.query<{ dedupe_key: string; status: string }>(`SELECT dedupe_key, status FROM inbound_messages ORDER BY message_id`)
  assert.deepEqual(rows.map((r) => [r.dedupe_key, r.status]), [
    ['easypost:evt_one', 'applied'], ['aftership:as-evt-two', 'superseded'], ['aftership:as-evt-two', 'applied'], ['easypost:evt_one', 'duplicate'],
  ])
  assert.equal(await count('carrier_events WHERE tracking_number = $1', [TN]), 4)
  assert.equal(await count(`carrier_events WHERE tracking_number = '1111111111111'`), 5)
})

test('a duplicate is answered as one and never applied twice, whether the first copy is applied yet or not', async () => {
  const body = easyPostStep('evt_dup', 4, 'in_transit')
  const answers = await withApp(async (app) => {
    const first = await send(app, body)
    const second = await send(app, body)
    await settled(db)
    const third = await send(app, Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2)))
    await settled(db)
    return [first, second, third]
  })
  assert.equal(answers[0].statusCode, 202)
  for (const r of answers.slice(1)) assert.ok(r.statusCode === 200 || r.statusCode === 202, r.body)
  assert.equal(answers[2].json().outcome, 'duplicate')
  assert.equal(await count(`inbound_messages WHERE status = 'applied'`), 1)
  assert.equal(await count(`inbound_messages WHERE status = 'received'`), 0)
  assert.equal(await count('carrier_events WHERE tracking_number = $1', [TN]), 4)
  const [{ n }] = await db.query<{ n: number }>('SELECT count(DISTINCT message_id)::int AS n FROM carrier_events')
  assert.equal(n, 1, 'every event from the one applied copy')
})

test('N copies of one event at once: one applied, the rest duplicates; the events once', async () => {
  const body = easyPostStep('evt_storm', 5, 'out_for_delivery')
  const answers = await withApp(async (app) => {
    const rs = await Promise.all(Array.from({ length: 6 }, () => send(app, body)))
    await settled(db)
    return rs
  })
  assert.deepEqual(answers.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 202])
  assert.equal(await count(`inbound_messages WHERE status = 'applied'`), 1)
  assert.equal(await count(`inbound_messages WHERE status = 'duplicate'`), 5)
  assert.equal(await count('carrier_events WHERE tracking_number = $1', [TN]), 5)
})

test('a forged or unsigned delivery stores nothing and queues nothing', async () => {
  const body = easyPostStep('evt_forged', 4, 'in_transit')
  await withApp(async (app) => {
    for (const headers of [{} as Record<string, string>, { 'x-hmac-signature': signEasyPost(body, 'not-the-secret') }, { 'x-hmac-signature': 'hmac-sha256-hex=00' }]) {
      const r = await post(app, 'easypost', body, headers)
      assert.equal(r.statusCode, 401, r.body)
    }
    await settled(db)
  })
  assert.equal(await count('inbound_messages'), 0)
  assert.equal(await count('carrier_events'), 0)
  assert.equal((await finishUnfinished(db, { now: clock.now() })).finished, 0)
})

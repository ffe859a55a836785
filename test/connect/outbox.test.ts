/**
 * The calls back to Shopify when Shopify misbehaves: failures retried with backoff, an answer lost
 * after the call went through (no second fulfillment), a refusal and a call that keeps failing
 * each becoming a rep task, a revoked token stopping the connection until it is connected again.
 */
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { saveConnection } from '../../src/connect/connections.ts'
import { applyPlatformOrder } from '../../src/connect/apply-order.ts'
import { shopifyRestOrder } from '../../src/connect/shopify/map.ts'
import { platformRound } from '../../src/connect/round.ts'
import { MAX_CALL_ATTEMPTS } from '../../src/connect/outbox.ts'
import { startFakeShopify, type AddedOrder, type FakeShopify } from '../support/fake-shopify.ts'

const SECRET = 'outbox-test-signing-secret-0123456789'
let db: Db
let fake: FakeShopify
let clock: TestClock
let order: AddedOrder
let connectionId: number

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  clock = new TestClock('2026-11-20T14:00:00Z')
  fake = await startFakeShopify({ clock })
  const { connection } = await saveConnection(db, { platform: 'shopify', shop: fake.shop, credentials: { token: fake.token, webhookSecret: 'w' }, refunds: 'record', secret: SECRET, now: clock.now() })
  connectionId = connection.connectionId
  order = fake.addOrder({ lines: [{ sku: 'STOVE-1', vendor: 'ACME', quantity: 2, price: 89.5 }] })
  await db.transaction((tx) => applyPlatformOrder(tx, { connectionId, platform: 'shopify', shop: fake.shop }, shopifyRestOrder(fake.webhookPayload(order.id)), clock.now()))
})
afterEach(async () => {
  await fake.close()
  await db.close()
})

const round = (publicUrl = 'https://orders.example.com') =>
  platformRound(db, { now: () => clock.now(), config: { shopifyApiUrl: fake.url, publicUrl }, secret: SECRET, sleep: async (ms) => clock.advance(ms) })
const calls = () => db.query<{ action: string; status: string; attempts: number; last_error: string | null }>('SELECT action, status, attempts, last_error FROM platform_calls ORDER BY call_id')
const tasks = () => db.query<{ kind: string; title: string; detail: string }>(`SELECT kind, title, detail FROM tasks WHERE status = 'open' AND kind LIKE 'platform%' ORDER BY task_id`)
const backorder = () => db.query(`UPDATE order_lines SET state = 'backordered', state_eta_latest = '2026-12-01'`)
const holds = () => fake.order(order.id)!.fulfillmentOrders.flatMap((f) => f.holds)

test('a 500 and a dropped connection are retried with backoff until the hold lands, once', async () => {
  await round() // the link
  await backorder()
  fake.failNext(1, '500')
  fake.failNext(1, 'drop')
  await round()
  // The hold failed (500), then, 15 s later, the connection dropped.
  let [link, hold] = await calls()
  assert.equal(link.status, 'done')
  assert.deepEqual([hold.status, hold.attempts], ['due', 1])
  assert.match(hold.last_error ?? '', /HTTP 500/)
  clock.advance(15_000)
  await round()
  ;[, hold] = await calls()
  assert.deepEqual([hold.status, hold.attempts], ['due', 2])
  clock.advance(10_000)
  await round()
  assert.equal((await calls())[1].status, 'due', 'not before its backoff (30 s)')
  clock.advance(20_000)
  await round()
  assert.equal((await calls())[1].status, 'done')
  assert.equal(holds().length, 1)
  assert.deepEqual(await tasks(), [])
})

test('a fulfillment whose answer was lost (it went through) is not made twice', async () => {
  await round() // the link
  const [l] = await db.query<{ order_line_id: number }>('SELECT order_line_id FROM order_lines')
  await db.query(`INSERT INTO shipments (order_line_id, carrier, tracking_number, shipped_at, qty) VALUES ($1, 'UPS', '1Z999AA10123456784', $2, 2)`, [l.order_line_id, clock.now()])
  await db.query(`UPDATE order_lines SET state = 'in_transit'`)
  fake.failOperation('WismoFulfill', 'drop-after')
  await round()
  assert.equal(fake.order(order.id)!.fulfillments.length, 1, 'Shopify made it')
  assert.equal((await calls()).find((c) => c.action === 'fulfill')!.status, 'due', 'wismo did not hear so')
  clock.advance(15_000)
  await round()
  assert.equal(fake.order(order.id)!.fulfillments.length, 1, 'found by its tracking number, not made again')
  assert.equal((await calls()).find((c) => c.action === 'fulfill')!.status, 'done')
})

test('a call Shopify refuses, and one that keeps failing, each become a rep task; nothing is lost in silence', async () => {
  // A public URL Shopify will not take as a `url` metafield: refused (userErrors), not retried.
  await round('not-a-url')
  const [link] = await calls()
  assert.equal(link.status, 'failed')
  const [t] = await tasks()
  assert.equal(t.kind, 'platform_call_failed')
  assert.match(t.title, /^shopify did not take: link to the wismo page \(link:\d+:\d+\)$/)
  assert.match(t.detail, /metafieldsSet refused: .*Do it by hand in the shop's admin/)

  await backorder()
  for (let i = 0; i < MAX_CALL_ATTEMPTS; i++) {
    fake.failNext(1, '503')
    await round('not-a-url')
    clock.advance(3_600_000)
  }
  const hold = (await calls()).find((c) => c.action === 'hold')!
  assert.deepEqual([hold.status, hold.attempts], ['failed', MAX_CALL_ATTEMPTS])
  assert.match((await tasks())[1].detail, /HTTP 503.*\(after 10 tries\)/)
})

test('a revoked token stops the connection (a rep task says so) until it is connected again; then the calls go out', async () => {
  await backorder()
  fake.revoke()
  await round()
  const [c] = await db.query<{ status: string; last_error: string }>('SELECT status, last_error FROM platform_connections')
  assert.equal(c.status, 'revoked')
  assert.match(c.last_error, /Shopify refused the access token \(HTTP 401\)/)
  assert.equal((await tasks())[0].kind, 'platform_revoked')
  assert.ok((await calls()).every((x) => x.status === 'due' && x.attempts === 0), 'nothing counted against the calls')
  const asked = fake.calls.length
  await round()
  assert.equal(fake.calls.length, asked, 'a revoked connection is not called')

  // The merchant installs the app again; its new token is connected (`wismo connect shopify` again).
  fake.reinstall('shpat_new')
  await saveConnection(db, { platform: 'shopify', shop: fake.shop, credentials: { token: 'shpat_new', webhookSecret: 'w' }, refunds: 'record', secret: SECRET, now: clock.now() })
  await round()
  assert.deepEqual((await calls()).map((x) => [x.action, x.status]), [['link', 'done'], ['hold', 'done']])
  assert.equal(holds().length, 1)
  const [after] = await db.query<{ status: string; last_error: string | null }>('SELECT status, last_error FROM platform_connections')
  assert.deepEqual(after, { status: 'active', last_error: null })
  assert.deepEqual(await tasks(), [], 'the task that asked for the reconnection closed with it')
})

test('--refunds record: a line cancelled in wismo is taken off the Shopify order without money; the refund stays due to the retailer', async () => {
  await round() // the link
  const [l] = await db.query<{ order_line_id: number }>('SELECT order_line_id FROM order_lines')
  await db.query(`UPDATE order_lines SET cancelled_qty = 1, cancelled_at = $2, cancel_reason = 'customer' WHERE order_line_id = $1`, [l.order_line_id, clock.now()])
  await db.query(`INSERT INTO refunds (order_line_id, qty, amount, reason, due_by, created_at) VALUES ($1, 1, 89.50, 'customer_cancel', '2026-12-01', $2)`, [l.order_line_id, clock.now()])
  await round()
  await round()
  const [r] = fake.order(order.id)!.refunds
  assert.deepEqual(r.lines.map((x) => [x.quantity, x.restockType]), [[1, 'CANCEL']])
  assert.deepEqual(r.transactions, [], 'no money moved by wismo')
  assert.match(r.note ?? '', /^wismo cancel:\d+:1: /)
  assert.equal(fake.order(order.id)!.refunds.length, 1)
  const [due] = await db.query<{ platform_refunded_at: Date | null }>('SELECT platform_refunded_at FROM refunds')
  assert.equal(due.platform_refunded_at, null, 'still due from the retailer (GET /api/refunds)')
  // A second unit cancelled later is a second, separate call.
  await db.query(`UPDATE order_lines SET cancelled_qty = 2 WHERE order_line_id = $1`, [l.order_line_id])
  await round()
  assert.deepEqual(fake.order(order.id)!.refunds.map((x) => x.lines[0].quantity), [1, 1])
})

test('the platforms job runs on the workers at least every minute', async () => {
  const { recurringJobs } = await import('../../src/jobs/queue.ts')
  const { loadConfig } = await import('../../src/config.ts')
  const job = recurringJobs(db, { clock, config: loadConfig({ WISMO_DATA_DIR: '/tmp/wismo-no-such-dir' }) }).find((j) => j.name === 'platforms.push')
  assert.ok(job && job.everySeconds <= 60)
})

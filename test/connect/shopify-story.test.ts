/**
 * Issue 18's whole story against a local Shopify that speaks Admin GraphQL 2025-04 (every document
 * validated against Shopify's published schema) and sends webhooks with real HMACs, through
 * wismo's real HTTP server, a real SMTP server and the real X12 path:
 *   a Shopify order placed → webhook → wismo order, 850 to the supplier
 *   → backordered by an 855 → a fulfillment hold in Shopify, the customer told once
 *   → restocked by an 855 → the hold released
 *   → shipped by an 856 → a fulfillment with tracking in Shopify (Shopify not mailing the customer)
 *   → delivered (carrier events)
 * and a second order: backordered → the customer cancels on the wismo page → the line refunded in
 * Shopify, and Shopify's own orders/updated after the refund changes nothing more.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { startSmtp, type TestSmtp } from '../notify/mail-helpers.ts'
import { choiceTokenOf, outreach, parseAll, sweepAndSend } from '../outreach/helpers.ts'
import { ack855, acmeX12, cancelOnPage, settled, ship856 } from './story-helpers.ts'
import { applyCarrierEvents, parseCarrierEvents } from '../../src/carriers/carrier-events.ts'
import { ingestMessage } from '../../src/store/inbound.ts'
import { saveConnection } from '../../src/connect/connections.ts'
import { platformRound } from '../../src/connect/round.ts'
import { startFakeShopify, sendShopifyWebhook, type FakeShopify } from '../support/fake-shopify.ts'

const SECRET = outreach().secret
const WEBHOOK_SECRET = 'shpss_story_webhook_secret'
const PUBLIC_URL = 'https://orders.trailhead.example'

let smtp: TestSmtp
before(async () => { smtp = await startSmtp() })
after(() => smtp.close())

interface World {
  db: Db
  clock: TestClock
  fake: FakeShopify
  app: FastifyInstance
  hookUrl: string
  round(): Promise<unknown>
  close(): Promise<void>
}

async function world(start: string): Promise<World> {
  const db = await freshDb()
  await seedCatalog(db)
  const clock = new TestClock(start)
  const fake = await startFakeShopify({ clock })
  await saveConnection(db, {
    platform: 'shopify', shop: fake.shop, credentials: { token: fake.token, webhookSecret: WEBHOOK_SECRET }, refunds: 'platform', secret: SECRET, now: clock.now(),
  })
  const app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: SECRET, publicUrl: PUBLIC_URL } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const hookUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/connect/shopify/webhooks`
  const config = { shopifyApiUrl: fake.url, publicUrl: PUBLIC_URL }
  return {
    db, clock, fake, app, hookUrl,
    round: () => platformRound(db, { now: () => clock.now(), config, secret: SECRET, sleep: async (ms) => clock.advance(ms) }),
    async close() {
      await app.close()
      await fake.close()
      await db.close()
    },
  }
}


async function placeOrder(w: World, email: string): Promise<{ id: string; number: string; lineItemId: string }> {
  const o = w.fake.addOrder({
    email, customer: { firstName: 'Dana', lastName: 'Fields' }, shippingAddress: { zip: '30301', countryCode: 'US', country: 'United States' },
    lines: [{ sku: 'TENT-2P-GRN', title: 'Trailhead 2P Tent, green', vendor: 'Acme Outdoor Supply', quantity: 1, price: 249, taxRate: 0.08 }],
    shippingPrice: 9.95, financialStatus: 'PAID',
  })
  const res = await sendShopifyWebhook(w.hookUrl, { topic: 'orders/create', body: w.fake.webhookPayload(o.id), secret: WEBHOOK_SECRET, shop: w.fake.shop })
  assert.equal(res.status, 202, String(res.body))
  await settled(w.db)
  return { id: o.id, number: o.name.replace('#', ''), lineItemId: o.lineItemIds[0] }
}


const lineState = async (db: Db, number: string) =>
  (await db.query<{ state: string }>(`SELECT l.state FROM order_lines l JOIN orders o USING (order_id) WHERE o.order_number = $1`, [number]))[0]?.state

test('a Shopify order: backordered → held in Shopify, told once → restocked → released → shipped → fulfilled with tracking → delivered', async () => {
  const w = await world('2026-11-02T15:00:00Z')
  smtp.received.length = 0
  try {
    const o = await placeOrder(w, 'dana@example.com')
    const [po] = await w.db.query<{ kind: string; supplier_id: string; po_number: string }>(`SELECT kind, supplier_id, po_number FROM purchasing_documents`)
    assert.deepEqual(po, { kind: '850', supplier_id: 'ACME', po_number: o.number })

    // The first round puts wismo's page on the order.
    await w.round()
    const order = () => w.fake.order(o.id)!
    assert.deepEqual(order().metafields.map((m) => [m.namespace, m.key, m.type, m.value]), [['wismo', 'status_url', 'url', `${PUBLIC_URL}/orders/${o.number}`]])

    // Backordered by an 855: held in Shopify, with the reason; the customer told once.
    assert.equal((await acmeX12(w.db, '2026-11-03T14:00:00Z', [ack855(o.number, 'IB', '20261120')], 11)).outcome, 'applied')
    await sweepAndSend(w.db, '2026-11-03T15:00:00Z', smtp.url)
    assert.equal(await lineState(w.db, o.number), 'backordered')
    w.clock.set('2026-11-03T15:00:10Z')
    await w.round()
    const holds = order().fulfillmentOrders.flatMap((f) => f.holds)
    assert.equal(holds.length, 1)
    assert.equal(holds[0].reason, 'INVENTORY_OUT_OF_STOCK')
    assert.match(holds[0].reasonNotes ?? '', /backordered at the supplier; expected by 2026-11-2\d/)
    assert.equal(order().fulfillmentOrders.find((f) => f.holds.length > 0)?.status, 'ON_HOLD')
    await sweepAndSend(w.db, '2026-11-03T18:00:00Z', smtp.url)
    await w.round()
    assert.equal(order().fulfillmentOrders.flatMap((f) => f.holds).length, 1, 'held once, however often the round runs')
    const told = await parseAll(smtp.received)
    assert.equal(told.length, 1, told.map((m) => m.subject).join(' | '))
    assert.match(told[0].subject ?? '', /backordered/)

    // Restocked: the hold is released.
    await acmeX12(w.db, '2026-11-05T14:00:00Z', [ack855(o.number, 'IA', '20261106')], 12)
    await sweepAndSend(w.db, '2026-11-05T15:00:00Z', smtp.url)
    assert.equal(await lineState(w.db, o.number), 'restocked')
    w.clock.set('2026-11-05T15:00:10Z')
    await w.round()
    assert.equal(order().fulfillmentOrders.flatMap((f) => f.holds).length, 0)
    assert.ok(order().fulfillmentOrders.every((f) => f.status === 'OPEN'))

    // Shipped by an 856: a fulfillment with carrier, number and URL; Shopify does not mail the customer.
    await acmeX12(w.db, '2026-11-06T16:00:00Z', [ship856(o.number, '1Z999AA10123456784')], 13)
    await sweepAndSend(w.db, '2026-11-06T17:00:00Z', smtp.url)
    w.clock.set('2026-11-06T17:00:10Z')
    await w.round()
    const [f] = order().fulfillments
    assert.ok(f, 'a fulfillment was created')
    assert.deepEqual(f.trackingInfo.map((t) => t.number), ['1Z999AA10123456784'])
    assert.match(f.trackingInfo[0].url ?? '', /ups\.com/i)
    assert.equal(f.notifyCustomer, false)
    assert.equal(order().fulfillmentOrders.every((fo) => fo.status === 'CLOSED'), true)
    await w.round()
    assert.equal(order().fulfillments.length, 1, 'fulfilled once')

    // Delivered: the carrier says so; wismo's line follows.
    const events = JSON.stringify([{ tracking_number: '1Z999AA10123456784', carrier: 'UPS', status: 'delivered', occurred_at: '2026-11-09T15:00:00Z', message: 'Delivered' }])
    const delivered = await ingestMessage(w.db, { kind: 'carrier_events', source: 'test', filename: 'events.json', body: Buffer.from(events), receivedAt: new Date('2026-11-09T15:30:00Z') },
      (tx, id) => applyCarrierEvents(tx, id, parseCarrierEvents(events)))
    assert.equal(delivered.outcome, 'applied')
    await sweepAndSend(w.db, '2026-11-09T16:00:00Z', smtp.url)
    assert.equal(await lineState(w.db, o.number), 'delivered')
    // Every document wismo sent was valid against the schema; nothing failed or waits.
    assert.deepEqual(w.fake.invalidDocuments, [])
    const calls = await w.db.query<{ action: string; status: string }>('SELECT action, status FROM platform_calls ORDER BY call_id')
    assert.deepEqual(calls, [
      { action: 'link', status: 'done' }, { action: 'hold', status: 'done' }, { action: 'release', status: 'done' }, { action: 'fulfill', status: 'done' },
    ])
  } finally {
    await w.close()
  }
})

test("the customer cancels a backordered Shopify line on the wismo page: refunded in Shopify, once", async () => {
  const w = await world('2026-11-02T15:00:00Z')
  smtp.received.length = 0
  try {
    const o = await placeOrder(w, 'sam@example.com')
    await acmeX12(w.db, '2026-11-03T14:00:00Z', [ack855(o.number, 'IB')], 21)
    await sweepAndSend(w.db, '2026-11-03T15:00:00Z', smtp.url)
    w.clock.set('2026-11-03T15:00:10Z')
    await w.round()
    assert.equal(w.fake.order(o.id)!.fulfillmentOrders.flatMap((f) => f.holds)[0]?.reason, 'UNKNOWN_DELIVERY_DATE')
    const [notice] = await parseAll(smtp.received)
    const token = choiceTokenOf(notice)
    assert.ok(token, 'the delay notice carries the choice link')

    w.clock.set('2026-11-04T10:00:00Z')
    await cancelOnPage(w.app, o.number, token!)
    await sweepAndSend(w.db, '2026-11-04T10:05:00Z', smtp.url)
    w.clock.set('2026-11-04T10:05:10Z')
    await w.round()
    const shop = w.fake.order(o.id)!
    assert.equal(shop.refunds.length, 1)
    const [refund] = shop.refunds
    assert.deepEqual(refund.lines.map((l) => [l.quantity, l.restockType]), [[1, 'CANCEL']])
    assert.ok(Number(refund.amount) > 0 && refund.transactions.length > 0, 'money went back through Shopify')
    assert.equal(refund.notify, false)
    assert.equal(shop.fulfillmentOrders.flatMap((f) => f.holds).length, 0, 'the hold was released first')
    const [due] = await w.db.query<{ platform_refunded_at: Date | null; platform_refund_id: string | null }>('SELECT platform_refunded_at, platform_refund_id FROM refunds')
    assert.ok(due.platform_refunded_at && due.platform_refund_id, "wismo's refund record says Shopify paid it")

    // Shopify then sends orders/updated (the line's current quantity now 0): nothing more happens.
    const before = await w.db.query('SELECT * FROM purchasing_documents ORDER BY document_id')
    const again = await sendShopifyWebhook(w.hookUrl, { topic: 'orders/updated', body: w.fake.webhookPayload(o.id), secret: WEBHOOK_SECRET, shop: w.fake.shop })
    assert.equal(again.status, 202)
    await settled(w.db)
    await w.round()
    assert.equal(w.fake.order(o.id)!.refunds.length, 1, 'refunded once')
    assert.deepEqual(await w.db.query('SELECT * FROM purchasing_documents ORDER BY document_id'), before)
    const [line] = await w.db.query<{ cancelled_qty: number; cancel_reason: string }>(`SELECT cancelled_qty, cancel_reason FROM order_lines`)
    assert.deepEqual(line, { cancelled_qty: 1, cancel_reason: 'customer' })
  } finally {
    await w.close()
  }
})

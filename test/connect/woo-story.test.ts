/**
 * The same story on WooCommerce (the connector's shape proven on a second platform), against a
 * local WooCommerce REST v3 that checks OAuth 1.0a signatures, through wismo's real server, SMTP
 * and X12 path: order.created → 850 → backordered by an 855 → the order on hold with a note, the
 * customer told once → restocked → back to processing → shipped by an 856 → tracking in the
 * order's meta and a private note (WooCommerce not mailing the customer) → and a second order
 * cancelled by its customer on the wismo page → refunded through WooCommerce, once.
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
import { saveConnection } from '../../src/connect/connections.ts'
import { platformRound } from '../../src/connect/round.ts'
import { sendWooWebhook, startFakeWoo, type FakeWoo } from '../support/fake-woocommerce.ts'

const SECRET = outreach().secret
const WEBHOOK_SECRET = 'woo-story-webhook-secret'
const PUBLIC_URL = 'https://orders.trailhead.example'

let smtp: TestSmtp
before(async () => { smtp = await startSmtp() })
after(() => smtp.close())

interface World { db: Db; clock: TestClock; woo: FakeWoo; app: FastifyInstance; hookUrl: string; round(): Promise<unknown>; close(): Promise<void> }

async function world(): Promise<World> {
  const db = await freshDb()
  await seedCatalog(db)
  const clock = new TestClock('2026-11-02T15:00:00Z')
  const woo = await startFakeWoo({ start: new Date('2026-11-02T14:00:00Z') })
  await saveConnection(db, {
    platform: 'woocommerce', shop: woo.url, credentials: { consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret, webhookSecret: WEBHOOK_SECRET },
    refunds: 'platform', secret: SECRET, now: clock.now(),
  })
  const app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: SECRET, publicUrl: PUBLIC_URL } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const hookUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/connect/woocommerce/webhooks`
  return {
    db, clock, woo, app, hookUrl,
    round: () => platformRound(db, { now: () => clock.now(), config: { publicUrl: PUBLIC_URL }, secret: SECRET, sleep: async (ms) => clock.advance(ms) }),
    async close() {
      await app.close()
      await woo.close()
      await db.close()
    },
  }
}


async function placeOrder(w: World, email: string): Promise<{ id: number; number: string }> {
  const o = w.woo.addOrder({
    email, firstName: 'Dana', lastName: 'Fields', postcode: '30301', country: 'US', paidAt: new Date('2026-11-02T14:00:00Z'), shippingTotal: 9.95,
    lines: [{ name: 'Trailhead 2P Tent, green', sku: 'TENT-2P-GRN', quantity: 1, price: 249, taxRate: 0.08, meta: { _wismo_supplier: 'ACME' } }],
  })
  const res = await sendWooWebhook(w.hookUrl, { topic: 'order.created', body: w.woo.webhookBody(o.id), secret: WEBHOOK_SECRET, source: `${w.woo.url}/` })
  assert.equal(res.status, 202, res.text)
  await settled(w.db)
  return { id: o.id, number: String(o.number) }
}

test('a WooCommerce order: on hold while backordered, back to processing on restock, tracking in its meta when shipped', async () => {
  const w = await world()
  smtp.received.length = 0
  try {
    const o = await placeOrder(w, 'dana@example.com')
    assert.deepEqual(await w.db.query(`SELECT kind, supplier_id, po_number FROM purchasing_documents`), [{ kind: '850', supplier_id: 'ACME', po_number: o.number }])
    await w.round()
    assert.equal(w.woo.order(o.id).meta._wismo_status_url, `${PUBLIC_URL}/orders/${o.number}`)

    await acmeX12(w.db, '2026-11-03T14:00:00Z', [ack855(o.number, 'IB', '20261120')], 31)
    await sweepAndSend(w.db, '2026-11-03T15:00:00Z', smtp.url)
    w.clock.set('2026-11-03T15:00:10Z')
    await w.round()
    assert.equal(w.woo.order(o.id).status, 'on-hold')
    assert.ok(w.woo.order(o.id).notes.some((n) => /backordered at the supplier; expected by 2026-11-2\d/.test(n.note) && n.customer_note === false))
    await sweepAndSend(w.db, '2026-11-03T18:00:00Z', smtp.url)
    await w.round()
    assert.equal((await parseAll(smtp.received)).length, 1, 'the customer is told once')

    await acmeX12(w.db, '2026-11-05T14:00:00Z', [ack855(o.number, 'IA', '20261106')], 32)
    await sweepAndSend(w.db, '2026-11-05T15:00:00Z', smtp.url)
    w.clock.set('2026-11-05T15:00:10Z')
    await w.round()
    assert.equal(w.woo.order(o.id).status, 'processing')

    await acmeX12(w.db, '2026-11-06T16:00:00Z', [ship856(o.number, '1Z999AA10123456784')], 33)
    await sweepAndSend(w.db, '2026-11-06T17:00:00Z', smtp.url)
    w.clock.set('2026-11-06T17:00:10Z')
    await w.round()
    await w.round()
    const shop = w.woo.order(o.id)
    const tracking = shop.meta._wismo_tracking as Array<{ number: string }>
    assert.deepEqual(tracking.map((t) => t.number), ['1Z999AA10123456784'])
    assert.equal(shop.notes.filter((n) => /1Z999AA10123456784/.test(n.note)).length, 1, 'one tracking note')
    assert.ok(shop.notes.every((n) => n.customer_note === false), 'WooCommerce mails nobody')
    assert.notEqual(shop.status, 'completed')
    const calls = await w.db.query<{ action: string; status: string }>('SELECT action, status FROM platform_calls ORDER BY call_id')
    assert.deepEqual(calls.map((c) => `${c.action}:${c.status}`), ['link:done', 'hold:done', 'release:done', 'fulfill:done'])
  } finally {
    await w.close()
  }
})

test('a WooCommerce customer cancels on the wismo page: refunded through WooCommerce, once', async () => {
  const w = await world()
  smtp.received.length = 0
  try {
    const o = await placeOrder(w, 'sam@example.com')
    await acmeX12(w.db, '2026-11-03T14:00:00Z', [ack855(o.number, 'IB')], 41)
    await sweepAndSend(w.db, '2026-11-03T15:00:00Z', smtp.url)
    const token = choiceTokenOf((await parseAll(smtp.received))[0])
    assert.ok(token)
    w.clock.set('2026-11-04T10:00:00Z')
    await cancelOnPage(w.app, o.number, token!)
    await sweepAndSend(w.db, '2026-11-04T10:05:00Z', smtp.url)
    w.clock.set('2026-11-04T10:05:10Z')
    await w.round()
    await w.round()
    const shop = w.woo.order(o.id)
    assert.equal(shop.refunds.length, 1)
    assert.equal(shop.refunds[0].refunded_payment, true, 'the money goes back through the payment gateway')
    // WooCommerce keeps a refund's line quantities negative.
    assert.deepEqual(shop.refunds[0].line_items.map((l: { quantity: number }) => l.quantity), [-1])
    const [due] = await w.db.query<{ platform_refunded_at: Date | null }>('SELECT platform_refunded_at FROM refunds')
    assert.ok(due.platform_refunded_at)
  } finally {
    await w.close()
  }
})

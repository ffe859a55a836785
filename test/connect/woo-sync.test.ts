/**
 * WooCommerce end to end against the fake store: `syncOrders` through the REST client, and the
 * webhook route receiving deliveries signed as WooCommerce signs them.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type net from 'node:net'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { saveConnection, type Connection } from '../../src/connect/connections.ts'
import { syncOrders } from '../../src/connect/sync.ts'
import { createWooClient } from '../../src/connect/woocommerce/client.ts'
import type { Db } from '../../src/store/db.ts'
import { sendWooPing, sendWooWebhook, signWoo, startFakeWoo, type FakeWoo } from '../support/fake-woocommerce.ts'

const SECRET = 'woo-sync-secret-0123456789abcdef'
const WEBHOOK_SECRET = 'wc_whsec_5d1e'
const NOW = new Date('2026-11-03T12:00:00Z')

async function setup(): Promise<{ db: Db; woo: FakeWoo; conn: Connection }> {
  const db = await freshDb()
  await seedCatalog(db)
  const woo = await startFakeWoo()
  for (let i = 0; i < 3; i++) {
    woo.addOrder({
      email: `buyer${i}@example.com`,
      lines: [
        { name: 'Trailhead 2P Tent, green', sku: 'TENT-2P-GRN', quantity: 1, price: 249, taxRate: 0.08, meta: { _wismo_supplier: 'Bolt Distribution' } },
        { name: 'Summit Camp Stove', sku: 'STOVE-1', quantity: 2, price: 89.5 },
      ],
    })
  }
  const { connection } = await saveConnection(db, {
    platform: 'woocommerce', shop: woo.url, refunds: 'record', secret: SECRET, now: NOW,
    credentials: { consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret, webhookSecret: WEBHOOK_SECRET },
  })
  return { db, woo, conn: connection }
}

const client = (woo: FakeWoo) => createWooClient({ url: woo.url, consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret, perPage: 2, sleep: async () => {} })

test('wismo sync woocommerce: every order once, lines to the supplier the product names; the same pages again change nothing', async () => {
  const { db, woo, conn } = await setup()
  try {
    const first = await syncOrders(db, conn, client(woo), { now: () => NOW, since: null })
    assert.deepEqual([first.pages, first.orders, first.quarantined], [2, 3, []])
    const rows = await db.query<{ order_number: string; line_no: number; sku: string; qty: number; supplier_id: string | null }>(
      `SELECT o.order_number, l.line_no, l.sku, l.qty, l.supplier_id FROM order_lines l JOIN orders o USING (order_id) ORDER BY 1, 2`,
    )
    assert.deepEqual(rows.map((r) => [r.order_number, r.line_no, r.sku, r.qty, r.supplier_id]), [
      ['1001', 1, 'TENT-2P-GRN', 1, 'BOLT'], ['1001', 2, 'STOVE-1', 2, 'ACME'],
      ['1002', 1, 'TENT-2P-GRN', 1, 'BOLT'], ['1002', 2, 'STOVE-1', 2, 'ACME'],
      ['1003', 1, 'TENT-2P-GRN', 1, 'BOLT'], ['1003', 2, 'STOVE-1', 2, 'ACME'],
    ])
    const again = await syncOrders(db, conn, client(woo), { now: () => NOW, since: null })
    // The same pages, byte for byte: stored once, applied once.
    assert.deepEqual([again.pages, again.duplicatePages, again.orders], [2, 2, 0])
    assert.equal((await db.query('SELECT 1 FROM order_lines')).length, 6)
  } finally {
    await woo.close()
    await db.close()
  }
})

test('a revoked key stops the sync and marks the connection revoked', async () => {
  const { db, woo, conn } = await setup()
  try {
    woo.revoke()
    await assert.rejects(syncOrders(db, conn, client(woo), { now: () => NOW, since: null }), /Consumer key is invalid/)
    const [row] = await db.query<{ status: string }>('SELECT status FROM platform_connections WHERE connection_id = $1', [conn.connectionId])
    assert.equal(row.status, 'revoked')
  } finally {
    await woo.close()
    await db.close()
  }
})

test('webhooks: the ping is answered, a signed order.updated is taken and applied once, a forged one refused', async () => {
  const { db, woo } = await setup()
  const app = await buildApp({ db, clock: new TestClock(NOW), config: { holidays: [], lookupRateLimit: 100, secret: SECRET } })
  try {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}/api/connect/woocommerce/webhooks`
    const source = `${woo.url}/`

    assert.equal((await sendWooPing(url, '31')).status, 200)

    const body = woo.webhookBody(1002)
    const forged = await sendWooWebhook(url, { topic: 'order.created', body, secret: WEBHOOK_SECRET, source, signature: signWoo(body, 'guess') })
    assert.equal(forged.status, 401)
    const unsigned = await sendWooWebhook(url, { topic: 'order.created', body, secret: WEBHOOK_SECRET, source, signature: null })
    assert.equal(unsigned.status, 401)

    const sent = await sendWooWebhook(url, { topic: 'order.created', body, secret: WEBHOOK_SECRET, source, deliveryId: 'dl-1' })
    assert.equal(sent.status, 202, sent.text)
    const replay = await sendWooWebhook(url, { topic: 'order.created', body, secret: WEBHOOK_SECRET, source, deliveryId: 'dl-1' })
    assert.equal(replay.status, 200)
    assert.match(replay.text, /duplicate/)

    // Applied after the answer: wait for the row, not for time.
    let lines: { sku: string; qty: number }[] = []
    for (let i = 0; i < 200 && lines.length === 0; i++) {
      lines = await db.query<{ sku: string; qty: number }>(`SELECT l.sku, l.qty FROM order_lines l JOIN orders o USING (order_id) WHERE o.order_number = '1002' ORDER BY l.line_no`)
      if (lines.length === 0) await new Promise((r) => setImmediate(r))
    }
    assert.deepEqual(lines.map((l) => [l.sku, l.qty]), [['TENT-2P-GRN', 1], ['STOVE-1', 2]])
  } finally {
    await app.close()
    await woo.close()
    await db.close()
  }
})

/**
 * Shopify webhooks as an attacker and as Shopify's own delivery would send them: forged, unsigned,
 * for a shop not connected, too large, replayed (the same X-Shopify-Webhook-Id), reordered (an older
 * orders/updated after a newer one), unreadable, and the app uninstalled. Bodies are the REST order
 * JSON the local Shopify builds; HMACs are real.
 */
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { saveConnection } from '../../src/connect/connections.ts'
import { createHmac } from 'node:crypto'
import { startFakeShopify, type FakeShopify } from '../support/fake-shopify.ts'

const signWebhookBody = (raw: Buffer, secret: string) => createHmac('sha256', secret).update(raw).digest('base64')
const SECRET = 'webhook-test-signing-secret-0123456789'
const HOOK = 'shpss_route_test_secret'
let db: Db
let app: FastifyInstance
let fake: FakeShopify
const clock = new TestClock('2026-11-20T14:00:00Z')

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  fake = await startFakeShopify({ clock })
  await saveConnection(db, { platform: 'shopify', shop: fake.shop, credentials: { token: fake.token, webhookSecret: HOOK }, refunds: 'record', secret: SECRET, now: clock.now() })
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: SECRET } })
})
afterEach(async () => {
  await app.close()
  await fake.close()
  await db.close()
})

function deliver(body: unknown, o: { topic?: string; id?: string; secret?: string; shop?: string; hmac?: string | null } = {}) {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body))
  const headers: Record<string, string> = {
    'content-type': 'application/json', 'x-shopify-topic': o.topic ?? 'orders/updated', 'x-shopify-shop-domain': o.shop ?? fake.shop,
    'x-shopify-webhook-id': o.id ?? `wh-${Math.random()}`, 'x-shopify-api-version': '2025-04',
  }
  const hmac = o.hmac === undefined ? signWebhookBody(raw, o.secret ?? HOOK) : o.hmac
  if (hmac !== null) headers['x-shopify-hmac-sha256'] = hmac
  return app.inject({ method: 'POST', url: '/api/connect/shopify/webhooks', headers, payload: raw })
}

async function settled(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'received'`)
    if (r.n === 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('not applied')
}

const stored = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_messages'))[0].n
const summaries = async () => (await db.query<{ status: string; summary: string[] | null; error: string | null }>('SELECT status, summary, error FROM inbound_messages ORDER BY message_id'))

test('forged, unsigned, wrongly keyed or unknown-shop deliveries are 401 and leave no trace', async () => {
  const o = fake.addOrder({ lines: [{ sku: 'STOVE-1', vendor: 'ACME', quantity: 1 }] })
  const body = fake.webhookPayload(o.id)
  for (const r of [
    await deliver(body, { hmac: 'AAAA' }),
    await deliver(body, { hmac: null }),
    await deliver(body, { secret: 'someone else' }),
    await deliver(body, { shop: 'evil.myshopify.com', secret: HOOK }),
    await deliver(body, { shop: 'not a domain' }),
  ]) {
    assert.equal(r.statusCode, 401, r.body)
    assert.equal(r.json().error.code, 'WEBHOOK_SIGNATURE_INVALID')
  }
  // A body signed, then altered by one byte on the way.
  const raw = Buffer.from(JSON.stringify(body))
  const hmac = signWebhookBody(raw, HOOK)
  const altered = Buffer.from(raw.toString().replace('"quantity":1', '"quantity":9'))
  assert.equal((await deliver(altered, { hmac })).statusCode, 401)
  assert.equal(await stored(), 0)
  assert.equal((await db.query('SELECT 1 FROM orders')).length, 0)
})

test('a proven webhook is answered 202 at once and applied; the same delivery id again is a duplicate', async () => {
  const o = fake.addOrder({ lines: [{ sku: 'STOVE-1', vendor: 'ACME', quantity: 2 }] })
  const first = await deliver(fake.webhookPayload(o.id), { topic: 'orders/create', id: 'delivery-1' })
  assert.equal(first.statusCode, 202, first.body)
  assert.equal(first.json().outcome, 'accepted')
  await settled()
  const again = await deliver(fake.webhookPayload(o.id), { topic: 'orders/create', id: 'delivery-1' })
  assert.equal(again.statusCode, 200)
  assert.deepEqual({ ...(again.json() as object), messageId: 0 }, { outcome: 'duplicate', messageId: 0, duplicateOf: first.json().messageId })
  const rows = await summaries()
  assert.equal(rows[0].status, 'applied')
  assert.match(rows[0].summary![0], /^order 1001 line 1: 2 × STOVE-1, ordered from ACME/)
  assert.equal(rows[1].status, 'duplicate')
  assert.equal((await db.query(`SELECT 1 FROM purchasing_documents`)).length, 1)
  const [c] = await db.query<{ last_webhook_at: Date }>('SELECT last_webhook_at FROM platform_connections')
  assert.equal(c.last_webhook_at.toISOString(), clock.now().toISOString())
})

test('an older orders/updated delivered after a newer one changes nothing; the newer edit stands', async () => {
  const o = fake.addOrder({ lines: [{ sku: 'STOVE-1', vendor: 'ACME', quantity: 3 }], updatedAt: '2026-11-20T10:00:00Z' })
  const v1 = fake.webhookPayload(o.id)
  fake.updateOrder(o.id, { lineQuantities: { [o.lineItemIds[0]]: 1 }, updatedAt: '2026-11-20T11:00:00Z' })
  const v2 = fake.webhookPayload(o.id)
  assert.equal((await deliver(v2, { topic: 'orders/updated' })).statusCode, 202)
  await settled()
  assert.equal((await deliver(v1, { topic: 'orders/create' })).statusCode, 202)
  await settled()
  const rows = await summaries()
  assert.match(rows[0].summary!.join('\n'), /line 1: 2 unit\(s\) removed on the platform, cancelled/)
  assert.match(rows[1].summary![0], /the version of 2026-11-20T10:00:00.000Z is older than the one applied \(2026-11-20T11:00:00.000Z\); nothing changed/)
  const [l] = await db.query<{ qty: number; cancelled_qty: number }>('SELECT qty, cancelled_qty FROM order_lines')
  assert.deepEqual(l, { qty: 3, cancelled_qty: 2 })
})

test('a signed body that is no order is stored and quarantined with the reason; an oversize body is refused unread', async () => {
  assert.equal((await deliver(Buffer.from('{"id": "not a number"'), { topic: 'orders/updated' })).statusCode, 202)
  assert.equal((await deliver({ id: 5, name: '#5' }, { topic: 'orders/updated' })).statusCode, 202)
  await settled()
  const rows = await summaries()
  assert.deepEqual(rows.map((r) => r.status), ['quarantined', 'quarantined'])
  assert.match(rows[0].error ?? '', /the body is not JSON/)
  assert.match(rows[1].error ?? '', /Shopify order webhook: created_at: /)
  const big = await deliver(Buffer.alloc(3 * 1024 * 1024, 0x20))
  assert.equal(big.statusCode, 413)
  assert.equal(await stored(), 2)
})

test('app/uninstalled stops the connection (a rep task says so); its later deliveries are refused', async () => {
  assert.equal((await deliver({ id: 1, name: 'shop' }, { topic: 'app/uninstalled' })).statusCode, 202)
  await settled()
  const [c] = await db.query<{ status: string; last_error: string }>('SELECT status, last_error FROM platform_connections')
  assert.deepEqual(c, { status: 'uninstalled', last_error: 'the app was uninstalled from the shop' })
  const [t] = await db.query<{ kind: string; title: string }>(`SELECT kind, title FROM tasks WHERE status = 'open'`)
  assert.deepEqual(t, { kind: 'platform_revoked', title: `${fake.shop} uninstalled wismo's app` })
  // A server learns of it within seconds (it keeps each shop's secret for 5 s).
  clock.advance(5_000)
  const o = fake.addOrder()
  assert.equal((await deliver(fake.webhookPayload(o.id))).statusCode, 401)
})

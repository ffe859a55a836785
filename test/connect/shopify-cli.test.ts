/**
 * `wismo connect shopify`, `wismo sync shopify` and `wismo connect status` as a retailer runs them,
 * against a local Shopify (SHOPIFY_API_URL), and the real `wismo serve` taking a burst of webhooks —
 * each killed with SIGKILL half-way (WISMO_CRASH_AT) and run again: nothing lost, nothing doubled.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDbEnv } from '../helpers/db.ts'
import { runWismo, startServe, withDb } from '../helpers/cli.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { startFakeShopify, sendShopifyWebhook, type FakeShopify } from '../support/fake-shopify.ts'

const NOW = '2026-11-20T14:00:00Z'
const WEBHOOK_SECRET = 'shpss_cli_webhook_secret'

const count = async (db: Db, sql: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0].n

async function setup(): Promise<{ env: Record<string, string>; fake: FakeShopify }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-shopify-cli-'))
  // The shop's own clock runs (its rate-limit bucket refills); a Shopify Plus-sized bucket keeps the test short.
  const fake = await startFakeShopify({ maximumAvailable: 2000, restoreRate: 1000 })
  const env = { ...(await freshDbEnv(path.join(dir, 'data'))), SHOPIFY_API_URL: fake.url, WISMO_SECRET: 'cli-test-secret-0123456789abcdef', WISMO_NOW: NOW }
  await withDb(env, seedCatalog)
  return { env, fake }
}

const connectArgs = (fake: FakeShopify, token = fake.token) =>
  ['connect', 'shopify', '--shop', fake.shop, '--token', token, '--webhook-secret', WEBHOOK_SECRET, '--since', '2026-01-01']

test('connect, then a sync killed half-way resumes where it stopped: every order once, every 850 once', { timeout: 300_000 }, async () => {
  const { env, fake } = await setup()
  try {
    fake.seed(120, { lines: [{ sku: 'STOVE-1', vendor: 'Acme Outdoor Supply', quantity: 1, price: 89.5 }] })
    // A wrong token: refused plainly, nothing pretends to be synced.
    const bad = await runWismo(connectArgs(fake, 'shpat_wrong'), env)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /Shopify refused the access token \(HTTP 401\)/)
    const status = await runWismo(['connect', 'status'], env)
    assert.match(status.stdout, new RegExp(`shopify ${fake.shop}: revoked, 0 orders`))

    // The right token, the sync killed after its second page (of three) was applied.
    const killed = await runWismo(connectArgs(fake), { ...env, WISMO_CRASH_AT: 'connect.sync.page.2' })
    assert.equal(killed.code, -1, 'killed by SIGKILL')
    // Two pages applied (their size is what fits in Shopify's cost limit), the rest not.
    const applied = await withDb(env, async (db) => {
      const n = await count(db, 'orders')
      assert.ok(n > 0 && n < 120, `${n} orders after two pages`)
      assert.equal(await count(db, `purchasing_documents WHERE kind = '850'`), n)
      return n
    })
    const during = await runWismo(['connect', 'status'], env)
    assert.match(during.stdout, /a sync started .* has not finished \(wismo sync shopify resumes it\)/)

    const resumed = await runWismo(['sync', 'shopify'], env)
    assert.equal(resumed.code, 0, resumed.stderr)
    assert.match(resumed.stdout, new RegExp(`synced .* \\(resumed where the last sync stopped\\): ${120 - applied} orders in \\d+ pages`))
    await withDb(env, async (db) => {
      assert.equal(await count(db, 'orders'), 120)
      assert.equal(await count(db, 'order_lines'), 120)
      assert.equal(await count(db, `purchasing_documents WHERE kind = '850'`), 120)
    })
    // A sync of everything again changes nothing.
    const again = await runWismo(['sync', 'shopify', '--since', '2026-01-01'], env)
    assert.equal(again.code, 0, again.stderr)
    await withDb(env, async (db) => assert.equal(await count(db, `purchasing_documents WHERE kind = '850'`), 120))
    const json = JSON.parse((await runWismo(['connect', 'status', '--json'], env)).stdout)
    assert.equal(json[0].status, 'active')
    assert.equal(json[0].orders, 120)
    assert.equal(json[0].syncRunning, false)
    assert.deepEqual(fake.invalidDocuments, [])
  } finally {
    await fake.close()
  }
})

test('a burst of webhooks with wismo killed in the middle: resent, every order is there once', { timeout: 300_000 }, async () => {
  const { env, fake } = await setup()
  try {
    const connect = await runWismo([...connectArgs(fake), '--no-sync'], env)
    assert.equal(connect.code, 0, connect.stderr)
    const orders = Array.from({ length: 12 }, () => fake.addOrder({ lines: [{ sku: 'STOVE-1', vendor: 'Acme Outdoor Supply', quantity: 1, price: 89.5 }] }))
    const deliveries = orders.map((o, i) => ({ id: `wh-${i}`, body: fake.webhookPayload(o.id) }))
    // The server dies applying the first webhook it took (after answering it).
    const first = startServe({ ...env, WISMO_CRASH_AT: 'inbound.apply' })
    const base = await first.ready
    const answers = await Promise.all(deliveries.map((d) =>
      sendShopifyWebhook(`${base}/api/connect/shopify/webhooks`, { topic: 'orders/create', body: d.body, secret: WEBHOOK_SECRET, shop: fake.shop, webhookId: d.id })
        .then((r) => r.status, () => 0)))
    await first.exited
    assert.ok(answers.some((s) => s === 202), `some were taken before the crash: ${answers}`)
    // Shopify retries what was not answered 2xx (and may resend what was): all of them again.
    const second = startServe(env)
    const base2 = await second.ready
    try {
      const again = await Promise.all(deliveries.map((d) =>
        sendShopifyWebhook(`${base2}/api/connect/shopify/webhooks`, { topic: 'orders/create', body: d.body, secret: WEBHOOK_SECRET, shop: fake.shop, webhookId: d.id }).then((r) => r.status)))
      assert.ok(again.every((s) => s === 202 || s === 200), String(again))
      // What the killed process had stored and not applied is applied by the next copy or the sweep.
      for (let i = 0; i < 200; i++) {
        const left = await withDbQuick(env)
        if (left === 0) break
        await new Promise((r) => setTimeout(r, 50))
      }
    } finally {
      await second.stop()
    }
    await withDb(env, async (db) => {
      assert.equal(await count(db, 'orders'), 12)
      assert.equal(await count(db, `purchasing_documents WHERE kind = '850'`), 12)
      assert.equal(await count(db, `inbound_messages WHERE kind = 'platform_webhook' AND status = 'received'`), 0)
      assert.equal(await count(db, `inbound_messages WHERE kind = 'platform_webhook' AND status = 'applied'`), 12)
    })
  } finally {
    await fake.close()
  }
})

/** Messages still waiting, read while serve holds the database: PostgreSQL only (PGlite's folder is locked), else 0 after a pause. */
async function withDbQuick(env: Record<string, string>): Promise<number> {
  if (!env.DATABASE_URL) {
    await new Promise((r) => setTimeout(r, 1500))
    return 0
  }
  return withDb(env, (db) => count(db, `inbound_messages WHERE kind = 'platform_webhook' AND status = 'received'`))
}

test("connect subscribes the shop's webhooks to wismo's https address, once however often it is run", { timeout: 120_000 }, async () => {
  const { env, fake } = await setup()
  try {
    const https = { ...env, WISMO_PUBLIC_URL: 'https://orders.example.com' }
    const first = await runWismo([...connectArgs(fake), '--no-sync'], https)
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /webhooks: 6 subscribed \(ORDERS_CREATE, ORDERS_UPDATED, ORDERS_CANCELLED, FULFILLMENTS_CREATE, FULFILLMENTS_UPDATE, APP_UNINSTALLED\), 0 already there, all to https:\/\/orders\.example\.com\/api\/connect\/shopify\/webhooks/)
    const again = await runWismo([...connectArgs(fake), '--no-sync'], https)
    assert.match(again.stdout, /webhooks: 0 subscribed, 6 already there/)
    assert.deepEqual(fake.webhookSubscriptions().map((w) => [w.topic, w.format, w.callbackUrl]).sort(), [
      'APP_UNINSTALLED', 'FULFILLMENTS_CREATE', 'FULFILLMENTS_UPDATE', 'ORDERS_CANCELLED', 'ORDERS_CREATE', 'ORDERS_UPDATED',
    ].map((t) => [t, 'JSON', 'https://orders.example.com/api/connect/shopify/webhooks']))
    // An http:// wismo cannot be called by Shopify: said plainly, nothing subscribed.
    const plain = await runWismo([...connectArgs(fake), '--no-sync'], { ...env, WISMO_PUBLIC_URL: 'http://localhost:3000' })
    assert.match(plain.stdout, /webhooks: not registered: Shopify calls https:\/\/ addresses only/)
    assert.deepEqual(fake.invalidDocuments, [])
  } finally {
    await fake.close()
  }
})

/**
 * Shopify webhooks through the real route `POST /api/connect/shopify/webhooks` (HMAC checked
 * against the connection's sealed secret, stored raw, answered 202, applied in the background)
 * against a bare signed echo in the same server process that only checks the same HMAC over the
 * raw body. Every request is a distinct `orders/create` of its own order, with its own
 * X-Shopify-Webhook-Id; after the run, how long until every accepted webhook was applied, and
 * whether each made exactly one order (with its 850).
 */
import { createHmac } from 'node:crypto'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { fixedClock } from '../../src/clock.ts'
import { saveConnection } from '../../src/connect/connections.ts'
import { verifyShopifyHmac } from '../../src/connect/shopify/webhook.ts'
import { seedCatalog } from '../../test/helpers/seed.ts'
import { startFakeShopify, sendShopifyWebhook } from '../../test/support/fake-shopify.ts'
import { fmt, log, withBenchDb } from '../common.ts'
import { packBodies, type BodyPool } from '../webhooks/bodies.ts'
import {
  assertClean, backendPids, cannon, combineCannon, combineCpu, cpuMeter, cpuSplit, listenWithEcho, NOW, type CannonResult, type CpuSplit, type RequestHeaders,
} from '../webhooks/measure.ts'
import { settingsOf } from '../webhooks/run.ts'
import { APP_SECRET, VENDOR, countAll, type OrderCounts } from './shared.ts'

export const SHOPIFY_PATH = '/api/connect/shopify/webhooks'
const ECHO_PATH = '/bench/shopify-echo'
const WEBHOOK_SECRET = 'shpss_bench_webhook_secret_0123456789abcdef'
const WARMUP = 2

export interface ShopifyWebhookRun {
  version: string
  settings: string
  connections: number
  duration: number
  bodyBytes: { min: number; max: number }
  echo: CannonResult
  webhook: CannonResult
  echoCpu: CpuSplit
  webhookCpu: CpuSplit
  /** webhook req/s over echo req/s (all rounds). */
  ratio: number
  rounds: { echo: number; webhook: number; tailMs: number }[]
  /** Webhooks the measured run stored (accepted), and how many of them were applied when the load stopped. */
  accepted: number
  appliedWhenLoadStopped: number
  /** From the end of the load until no accepted webhook was left unapplied (the longest of the rounds). */
  tailMs: number
  /** Accepted webhooks over the run and its tail: the rate wismo keeps up with. */
  appliedPerSec: number
  /** Everything the suite sent (probes, warm-up, run), as the database holds it afterwards. */
  totals: OrderCounts & { messages: number }
}

const signShopify = (body: Buffer) => createHmac('sha256', WEBHOOK_SECRET).update(body).digest('base64')

interface Statuses { total: number; received: number; byStatus: Record<string, number> }

async function statuses(db: Db): Promise<Statuses> {
  const rows = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM inbound_messages WHERE kind = 'platform_webhook' GROUP BY status`,
  )
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]))
  return { total: rows.reduce((s, r) => s + r.n, 0), received: byStatus.received ?? 0, byStatus }
}

/**
 * Polls until no platform webhook is `received` and no new one lands (requests the load left in
 * flight still finish); fails when nothing moves for 30 s while some are still unapplied.
 */
async function settled(db: Db): Promise<{ ms: number; first: Statuses; last: Statuses }> {
  const t0 = performance.now()
  const first = await statuses(db)
  let prev = first
  let moved = t0
  for (;;) {
    await new Promise((r) => setTimeout(r, 25))
    const now = await statuses(db)
    const same = JSON.stringify(now) === JSON.stringify(prev)
    if (now.received === 0 && same) return { ms: performance.now() - t0, first, last: now }
    if (!same) moved = performance.now()
    else if (performance.now() - moved > 30_000) throw new Error(`platform webhooks: ${now.received} still unapplied after 30 s without progress (${JSON.stringify(now.byStatus)})`)
    prev = now
  }
}

/** Both routes refuse a wrong signature; the echo answers a signed body; the route accepts one, applies it into one order with one 850, and calls its id again a duplicate. */
async function sanity(db: Db, url: string, shop: string, probe: Record<string, unknown>): Promise<void> {
  const send = (path: string, secret: string, webhookId: string) =>
    sendShopifyWebhook(`${url}${path}`, { topic: 'orders/create', body: probe, secret, shop, webhookId })
  const before = await countAll(db)
  const checks: Record<string, boolean> = {
    'echo refuses a bad signature': (await send(ECHO_PATH, 'wrong secret', 'probe-0')).status === 401,
    'route refuses a bad signature': (await send(SHOPIFY_PATH, 'wrong secret', 'probe-0')).status === 401,
    'echo answers a signed body': (await send(ECHO_PATH, WEBHOOK_SECRET, 'probe-0')).status === 200,
    'route accepts a signed body (202)': (await send(SHOPIFY_PATH, WEBHOOK_SECRET, 'probe-0')).status === 202,
  }
  await settled(db)
  const after = await countAll(db)
  checks['applied: one order, one line, one 850'] = after.orders - before.orders === 1 && after.lines - before.lines === 1 && after.po850 - before.po850 === 1
  checks['the same webhook id again is a duplicate (200)'] = (await send(SHOPIFY_PATH, WEBHOOK_SECRET, 'probe-0')).status === 200
  const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([what]) => what)
  if (failed.length) throw new Error(`platforms sanity: ${failed.join('; ')}`)
  log(`sanity: ${Object.keys(checks).join('; ')}: ok`)
}

/** Each accepted webhook applied, into exactly one order of its own (with its line and 850), and nothing else. */
async function checkApplied(db: Db, st: Statuses): Promise<OrderCounts> {
  const c = await countAll(db)
  const applied = st.byStatus.applied ?? 0
  const duplicates = st.byStatus.duplicate ?? 0 // the sanity probe's replay, only
  const [{ orphans }] = await db.query<{ orphans: number }>(
    `SELECT count(*)::int AS orphans FROM inbound_messages m
      WHERE m.kind = 'platform_webhook' AND m.status = 'applied'
        AND NOT EXISTS (SELECT 1 FROM platform_orders p WHERE p.platform_order_id = convert_from(m.body, 'UTF8')::jsonb->>'admin_graphql_api_id')`,
  )
  const problems = [
    st.total !== applied + duplicates && `statuses ${JSON.stringify(st.byStatus)} (expected applied, and 1 duplicate)`,
    duplicates !== 1 && `${duplicates} duplicates (expected the probe's 1)`,
    c.orders !== applied && `${c.orders} orders for ${applied} accepted webhooks`,
    c.platformOrders !== applied && `${c.platformOrders} platform orders for ${applied} accepted webhooks`,
    c.lines !== applied && `${c.lines} order lines (expected one per order)`,
    c.po850 !== applied && `${c.po850} 850s (expected one per order)`,
    orphans !== 0 && `${orphans} applied webhooks without their order`,
  ].filter(Boolean)
  if (problems.length) throw new Error(`platform webhooks: ${problems.join('; ')}`)
  return c
}

interface Round {
  echo: CannonResult
  webhook: CannonResult
  echoCpu: CpuSplit
  webhookCpu: CpuSplit
  accepted: number
  appliedWhenLoadStopped: number
  tailMs: number
}

/**
 * A 2 s warm-up of each route, then `rounds` rounds of echo and webhook in turn (duration / rounds
 * seconds each, so that a change in the machine's load falls on both), each webhook run followed
 * by its tail: until every webhook it got accepted is applied.
 */
async function loadRounds(o: { db: Db; url: string; shop: string; pool: BodyPool; connections: number; duration: number; rounds: number }): Promise<Round[]> {
  const { db, url, pool, connections } = o
  const shopify: RequestHeaders = {
    signatureHeader: 'x-shopify-hmac-sha256', idHeader: 'x-shopify-webhook-id', idPrefix: 'bench-',
    headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': o.shop, 'x-shopify-api-version': '2025-04' },
  }
  let next = 0
  const run = (path: string, first: number, seconds: number) => cannon({ url, path, pool, first, count: pool.count - first, connections, duration: seconds, ...shopify })
  const used = (r: CannonResult) => {
    next += r.used
    if (next >= pool.count) throw new Error(`platforms: the runs used all ${pool.count} bodies: raise BENCH_PLATFORM_BODIES`)
  }
  const timed = async (path: string, first: number, seconds: number, pids: number[]) => {
    const meter = cpuMeter(pids)
    const t0 = performance.now()
    const r = await run(path, first, seconds)
    const cpu = cpuSplit({ ...meter.stop(), wall: (performance.now() - t0) / 1000, completed: r.reqPerSec * r.duration })
    assertClean(path === ECHO_PATH ? 'echo' : 'webhook', r)
    return { r, cpu }
  }
  assertClean('echo warm-up', await run(ECHO_PATH, 0, WARMUP))
  const wu = await run(SHOPIFY_PATH, 0, WARMUP)
  assertClean('webhook warm-up', wu)
  used(wu)
  await settled(db)
  const perRound = Math.max(1, Math.round(o.duration / o.rounds))
  const out: Round[] = []
  for (let i = 0; i < o.rounds; i++) {
    const echo = await timed(ECHO_PATH, 0, perRound, [])
    log(`  echo: ${fmt(echo.r.reqPerSec)} req/s, p50 ${echo.r.p50} ms, p99 ${echo.r.p99} ms`)
    const before = await statuses(db)
    // The pids taken now: the pool closes a client idle for 10 s.
    const webhook = await timed(SHOPIFY_PATH, next, perRound, await backendPids(db, connections))
    used(webhook.r)
    const tail = await settled(db)
    const accepted = tail.last.total - before.total
    const appliedWhenLoadStopped = (tail.first.byStatus.applied ?? 0) - (before.byStatus.applied ?? 0)
    if (accepted < webhook.r.ok || accepted > webhook.r.used) throw new Error(`platform webhooks: ${accepted} stored for ${webhook.r.ok} answered 202 and ${webhook.r.used} sent`)
    log(`  webhook: ${fmt(webhook.r.reqPerSec)} req/s, p50 ${webhook.r.p50} ms, p99 ${webhook.r.p99} ms; ${fmt(accepted)} accepted, ` +
      `${fmt(appliedWhenLoadStopped)} applied when the load stopped, all applied ${fmt(tail.ms)} ms later`)
    out.push({ echo: echo.r, webhook: webhook.r, echoCpu: echo.cpu, webhookCpu: webhook.cpu, accepted, appliedWhenLoadStopped, tailMs: tail.ms })
  }
  return out
}

export async function benchShopifyWebhooks(opts: { connections: number; duration: number; rounds: number; bodies: number }): Promise<ShopifyWebhookRun | null> {
  const { connections } = opts
  // Orders made by the fake, each turned into the REST body Shopify posts for orders/create.
  const fake = await startFakeShopify()
  const added = fake.seed(opts.bodies + 1, { lines: [{ vendor: VENDOR }] })
  await fake.close()
  const payload = (i: number) => JSON.stringify(fake.webhookPayload(added[i].id))
  const pool: BodyPool = packBodies(opts.bodies, Buffer.byteLength(payload(opts.bodies - 1)) + 256, payload, signShopify)
  const probe = fake.webhookPayload(added[opts.bodies].id)
  log(`${fmt(opts.bodies)} orders/create bodies (${pool.minBytes}–${pool.maxBytes} bytes) built and signed`)

  return withBenchDb('postgres', { poolSize: connections }, async (b) => {
    const db = b.db
    await seedCatalog(db)
    await saveConnection(db, {
      platform: 'shopify', shop: fake.shop, credentials: { token: fake.token, webhookSecret: WEBHOOK_SECRET }, refunds: 'platform', secret: APP_SECRET, now: new Date(NOW),
    })
    const app = await buildApp({ db, clock: fixedClock(new Date(NOW)), config: { holidays: [], lookupRateLimit: 1e9, secret: APP_SECRET } })
    const { url } = await listenWithEcho(app, ECHO_PATH, (raw, headers) => (verifyShopifyHmac(raw, headers['x-shopify-hmac-sha256'], WEBHOOK_SECRET) ? { outcome: 'accepted' } : null))
    try {
      await sanity(db, url, fake.shop, probe)
      const rounds = await loadRounds({ db, url, shop: fake.shop, pool, connections, duration: opts.duration, rounds: opts.rounds })
      const last = await statuses(db)
      const totals = await checkApplied(db, last)
      log(`checks: ${fmt(totals.orders)} webhooks applied, ${fmt(totals.orders)} orders, ${fmt(totals.po850)} 850s, each webhook its own order: ok`)
      const echo = combineCannon(rounds.map((r) => r.echo))
      const webhook = combineCannon(rounds.map((r) => r.webhook))
      const sum = (f: (r: Round) => number) => rounds.reduce((a, r) => a + f(r), 0)
      return {
        version: b.version, settings: await settingsOf(db), connections, duration: opts.duration, bodyBytes: { min: pool.minBytes, max: pool.maxBytes },
        echo, webhook, echoCpu: combineCpu(rounds.map((r) => r.echoCpu)), webhookCpu: combineCpu(rounds.map((r) => r.webhookCpu)),
        ratio: webhook.reqPerSec / echo.reqPerSec,
        rounds: rounds.map((r) => ({ echo: r.echo.reqPerSec, webhook: r.webhook.reqPerSec, tailMs: r.tailMs })),
        accepted: sum((r) => r.accepted), appliedWhenLoadStopped: sum((r) => r.appliedWhenLoadStopped), tailMs: Math.max(...rounds.map((r) => r.tailMs)),
        appliedPerSec: sum((r) => r.accepted) / (webhook.duration + sum((r) => r.tailMs) / 1000),
        totals: { ...totals, messages: last.total },
      }
    } finally {
      await app.close()
    }
  })
}

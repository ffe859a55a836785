/**
 * Store platforms (issue 18) on PostgreSQL, each figure a ratio to a bare baseline measured in
 * the same run:
 *   1. Shopify webhooks accepted per second through `POST /api/connect/shopify/webhooks`, against
 *      a bare signed echo in the same server (bench/platforms/webhooks.ts); then how long until
 *      every accepted webhook was applied, each into exactly one order (checked).
 *   2. A backfill of BENCH_PLATFORM_ORDERS orders from the fake Shopify: wismo's `syncOrders`
 *      against a bare fetch loop sending the same document (bench/platforms/backfill.ts).
 * Fails when a check fails (a non-2xx answer, a webhook not applied into its own order, a
 * backfill that did not make every order and its 850).
 *
 *   BENCH_PLATFORM_CONNECTIONS=10   autocannon connections (and the server's pool)
 *   BENCH_PLATFORM_DURATION=10      measured seconds per route (after a 2 s warm-up each)
 *   BENCH_PLATFORM_ROUNDS=2         echo and webhook in that many interleaved rounds
 *   BENCH_PLATFORM_BODIES=20000     orders/create bodies built and signed up front (the run fails if it uses them all)
 *   BENCH_PLATFORM_ORDERS=10000     orders in the backfill
 * Quick smoke run (about 30 s): BENCH_PLATFORM_ORDERS=1000 BENCH_PLATFORM_DURATION=3 BENCH_PLATFORM_ROUNDS=1 BENCH_PLATFORM_BODIES=5000
 */
import os from 'node:os'
import { fmt, intEnv, machineLine, today, type SummaryRow } from './common.ts'
import { benchShopifyWebhooks, SHOPIFY_PATH, type ShopifyWebhookRun } from './platforms/webhooks.ts'
import { benchBackfill, BUCKET, SHOPIFY_PLANS, type BackfillRun } from './platforms/backfill.ts'

export const PLATFORMS_HEADING = '## Store platforms: webhooks and backfill'

export interface PlatformsRun {
  webhooks: ShopifyWebhookRun
  backfill: BackfillRun
}

export async function benchPlatforms(): Promise<PlatformsRun | null> {
  const connections = intEnv('BENCH_PLATFORM_CONNECTIONS', 10)
  const duration = intEnv('BENCH_PLATFORM_DURATION', 10)
  const rounds = intEnv('BENCH_PLATFORM_ROUNDS', 2)
  const bodies = intEnv('BENCH_PLATFORM_BODIES', 20_000)
  const orders = intEnv('BENCH_PLATFORM_ORDERS', 10_000)
  const webhooks = await benchShopifyWebhooks({ connections, duration, rounds, bodies })
  if (!webhooks) return null
  const backfill = await benchBackfill(orders)
  if (!backfill) return null
  return { webhooks, backfill }
}

const ms = (n: number) => (n < 1 ? '<1' : String(n))
const perSec = (n: number, msTaken: number) => fmt(n / (msTaken / 1000))
const minutes = (s: number) => (s >= 600 ? `${(s / 60).toFixed(0)} min` : s >= 90 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`)

function webhookRows(w: ShopifyWebhookRun): string[] {
  const row = (name: string, what: string, c: ShopifyWebhookRun['echo'], cpu: ShopifyWebhookRun['echoCpu']) =>
    `| ${name} | ${what} | ${fmt(c.reqPerSec)} | **${(c.reqPerSec / w.echo.reqPerSec).toFixed(3)}×** | ${ms(c.p50)} | ${ms(c.p99)} | ` +
    `${cpu.nodeMsPerReq.toFixed(2)} | ${cpu.pgMsPerReq ? cpu.pgMsPerReq.toFixed(2) : '—'} |`
  return [
    '| route | each request | req/s | / echo | p50 ms | p99 ms | Node CPU ms/req | PostgreSQL CPU ms/req |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    row('bare signed echo', 'HMAC-SHA256 (base64) over the raw body checked, `{ outcome }`; no database', w.echo, w.echoCpu),
    row('**Shopify webhook**', 'shop\'s secret looked up, HMAC checked, stored raw, 202; applied in the background (order, line, PO line, 850)', w.webhook, w.webhookCpu),
  ]
}

function backfillRows(f: BackfillRun): string[] {
  const applyMs = f.wismoMs - f.wismoFetchMs
  return [
    '| reader | what it does with each page | time | orders/s | / fake alone |',
    '|---|---|---:|---:|---:|',
    `| bare fetch loop (the fake alone) | POST, JSON parsed, cursor taken | ${(f.fakeMs / 1000).toFixed(1)} s | ${perSec(f.orders, f.fakeMs)} | 1 |`,
    `| **wismo \`syncOrders\`** | Shopify's client, mapped, stored raw and applied in one transaction with the cursor | ${(f.wismoMs / 1000).toFixed(1)} s | ${perSec(f.orders, f.wismoMs)} | **${f.ratio.toFixed(3)}×** |`,
    `| … of which waiting for pages | request, the fake serving it, Shopify's client, mapping | ${(f.wismoFetchMs / 1000).toFixed(1)} s | | |`,
    `| … of which storing and applying | \`ingestMessage\` + \`applyPlatformOrder\` per order, on PostgreSQL | ${(applyMs / 1000).toFixed(1)} s | ${perSec(f.orders, applyMs)} | |`,
  ]
}

/** What Shopify's own limits would give for this backfill: the bucket refills at the plan's rate and each page costs what the fake charged. */
function realLimits(f: BackfillRun): string {
  const wismo = f.orders / (f.wismoMs / 1000)
  const plans = SHOPIFY_PLANS.map((p) => ({ ...p, rate: p.restoreRate / f.actualPerOrder }))
  const bound = plans.filter((p) => p.rate < wismo).map((p) => p.plan)
  return plans.map((p) => `${p.plan} (${p.restoreRate} points/s): ${p.rate.toFixed(1)} orders/s, ${minutes(f.orders / p.rate)} for ${fmt(f.orders)}`).join('; ') +
    ` — against the ${fmt(wismo)} orders/s measured here, ${bound.length === plans.length ? 'every plan' : bound.length ? bound.join(' and ') : 'no plan'} ` +
    `makes the real backfill wait for Shopify, not for wismo`
}

export function platformsSection(r: PlatformsRun, loadAvg: number): string {
  const w = r.webhooks
  const f = r.backfill
  return [
    PLATFORMS_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/platforms.ts, \`BENCH_SUITES=platforms\`, PostgreSQL only). No target was set; ` +
      'the suite fails if any answer is not a 2xx, an accepted webhook is not applied into exactly one order of its own (with its line and 850), ' +
      'or the backfill does not end with every order and its 850.',
    '',
    `### Shopify webhooks: \`POST ${SHOPIFY_PATH}\``,
    '',
    ...webhookRows(w),
    '',
    `**Result.** ${fmt(w.webhook.reqPerSec)} webhooks/s accepted (${w.ratio.toFixed(3)}× the echo), p50 ${ms(w.webhook.p50)} ms and p99 ${ms(w.webhook.p99)} ms ` +
      `to the 202, at ${w.connections} connections for ${w.duration} s; per round, echo / webhook req/s: ` +
      `${w.rounds.map((x) => `${fmt(x.echo)} / ${fmt(x.webhook)}`).join('; ')}. The runs' ${fmt(w.accepted)} accepted webhooks: ${fmt(w.appliedWhenLoadStopped)} ` +
      `applied when the load stopped, the last applied at most **${fmt(w.tailMs)} ms** after a run's load stopped — ${fmt(w.appliedPerSec)} applied/s over the runs and their tails. ` +
      `Checked afterwards over all ${fmt(w.totals.messages)} stored deliveries (sanity probes, warm-up and run): every one applied but the probe's replay, ` +
      `${fmt(w.totals.orders)} orders, ${fmt(w.totals.lines)} lines, ${fmt(w.totals.po850)} 850s, and each applied body's order present. ` +
      `CPU per request from \`process.cpuUsage\` (server, background applies and the load generator thread) and /proc of the pool's backends, on ${os.cpus().length} cores.`,
    '',
    `### Shopify backfill: ${fmt(f.orders)} orders`,
    '',
    ...backfillRows(f),
    '',
    `**Result.** wismo backfills ${perSec(f.orders, f.wismoMs)} orders/s, **${f.ratio.toFixed(3)}×** what the fake alone serves; ${f.pages} pages ` +
      `(${f.pageSizes} orders: the size wismo learns from the cost charged), ${fmt(f.counts.orders)} orders and ${fmt(f.counts.po850)} 850s in the database afterwards. ` +
      `CPU: the bare loop ${fmt(f.cpu.fakeNodeMs / f.orders, 2)} ms/order (the fake and the loop, one process); wismo's sync ${fmt(f.cpu.wismoNodeMs / f.orders, 2)} ms/order ` +
      `of Node (the fake included) and ${fmt(f.cpu.wismoPgMs / f.orders, 2)} ms/order of PostgreSQL.`,
    '',
    `**Against Shopify's real limits.** The fake's bucket here (${fmt(BUCKET.maximumAvailable)} points, restoring ${fmt(BUCKET.restoreRate)}/s) never throttles; Shopify's does. ` +
      `Each order cost ${f.requestedPerOrder.toFixed(1)} points requested and ${f.actualPerOrder.toFixed(1)} actual (one line; the document asks room for 10 lines an order, ` +
      'the unused part is refunded); the bucket refills at the plan\'s restore rate, so a sustained backfill runs at that rate over the actual cost per order ' +
      `(assuming a bucket of at least the ${fmt(f.maxPageRequested)} points a page asks): ${realLimits(f)}.`,
    '',
    // Read off a profile and a statement count, not measured by each run: dated, and to be redone when the paths change.
    '**Where the time goes** (a `node --cpu-prof` of a shorter run of this suite and the statements counted on the pg client, 2026-12-07; ' +
      'the answer path changed since, see below). A webhook costs 29 statements and 4 commits: 5 before the 202 (the shop\'s secret, now read once per ' +
      '5 s per process; the message stored under its claim: BEGIN, INSERT, advisory lock, COMMIT, unlock; `last_webhook_at`, now once a second) and 24 in the ' +
      'background apply (claim, attempts, then 21 in one transaction: BEGIN, connection, advisory lock, 7 reads, 8 writes, the 850, marked applied, COMMIT). ' +
      'The first measurement (0.024× the echo, p50 37 ms) had the 202s waiting in the pool behind the applies, which held every connection for 24 round ' +
      'trips each; the applies now run two at a time from an in-process queue of stored ids, so the answers have the rest of the pool: accepting is ' +
      'bound by storing (a transaction and an advisory lock per delivery), applying by the 24 round trips, and a burst is answered at once and applied in ' +
      'the tail after it (a stopped process leaves the rest, stored, to the sweep). Next steps: apply several stored deliveries in one transaction, and ' +
      'batch a backfill page\'s statements (the backfill applies a page\'s orders one after the other, 17 statements each, in the page\'s transaction: ' +
      '43 % idle and 20 % `writev` in the profile — round trips, not computation).',
    '',
    machineLine(loadAvg, [{ label: 'PostgreSQL', version: w.version, notes: w.settings }]),
    '',
    `**Data and method.** Catalog: test/helpers/seed.ts (suppliers ACME and BOLT); every order has one line whose vendor is ACME's name, so it gets its supplier and an 850. ` +
      `Webhooks: orders made by the fake Shopify (test/support/fake-shopify.ts) and turned into the REST body Shopify posts for orders/create ` +
      `(${w.bodyBytes.min}–${w.bodyBytes.max} bytes), signed up front; distinct X-Shopify-Webhook-Id each; autocannon 9 in a worker thread ` +
      `(bench/webhook-cannon-worker.mjs); 2 s warm-up per route, then ${w.rounds.length} interleaved rounds of echo and webhook (${w.duration} s in all per route), each webhook run followed by its tail; the echo is a route in the same ` +
      `Fastify server with a raw-body scope like the webhook route's. The tail is polled every 25 ms (\`inbound_messages\` of kind platform_webhook still \`received\`). ` +
      `Backfill: \`fake.seed(${fmt(f.orders)})\` in the same process; a warm-up of 50 pages, then wismo's sync, then the bare loop replaying the page sizes wismo asked for; ` +
      'each half in its own schema, dropped afterwards.',
    '',
  ].join('\n')
}

export function platformsSummary(r: PlatformsRun): SummaryRow[] {
  const w = r.webhooks
  const f = r.backfill
  return [
    { figure: 'Shopify webhook / signed echo (PostgreSQL)', aim: 'none set (each applied into one order, checked)', value: `${w.ratio.toFixed(3)}× (${fmt(w.webhook.reqPerSec)} req/s, p99 ${w.webhook.p99} ms; all applied ${fmt(w.tailMs)} ms after)`, met: null },
    { figure: `Shopify backfill, wismo / fake alone (${fmt(f.orders)} orders)`, aim: 'none set (every order and 850, checked)', value: `${f.ratio.toFixed(3)}× (${perSec(f.orders, f.wismoMs)} orders/s)`, met: null },
  ]
}

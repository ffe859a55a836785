/**
 * A Shopify backfill: N orders in the fake Shopify (a bucket large enough never to throttle), read
 * (a) by a bare fetch loop sending wismo's own GraphQL document, page sizes as wismo chose them —
 * what the fake alone can serve — and (b) by wismo's `syncOrders` into PostgreSQL: each page
 * stored raw and applied (customer, order, line, platform ids, PO line, 850) in one transaction.
 * The ratio (a)/(b) of their times is wismo's orders/s over the fake's.
 */
import type { Db } from '../../src/store/db.ts'
import { fixedClock } from '../../src/clock.ts'
import { saveConnection } from '../../src/connect/connections.ts'
import { createShopifyClient } from '../../src/connect/shopify/client.ts'
import { DOCUMENTS } from '../../src/connect/shopify/documents.ts'
import { syncOrders, type SyncResult } from '../../src/connect/sync.ts'
import type { OrderPage, PlatformClient } from '../../src/connect/platform.ts'
import { seedCatalog } from '../../test/helpers/seed.ts'
import { startFakeShopify, type FakeShopify } from '../../test/support/fake-shopify.ts'
import { fmt, log, secs, withBenchDb } from '../common.ts'
import { backendPids, cpuMeter, NOW } from '../webhooks/measure.ts'
import { APP_SECRET, VENDOR, countAll, type OrderCounts } from './shared.ts'

/** The fake's bucket: never the limit here (real Shopify's is, see `realLimits`). */
export const BUCKET = { maximumAvailable: 20_000, restoreRate: 100_000 }
/** Shopify's restore rates, points/s (shopify.dev, GraphQL Admin API rate limits). */
export const SHOPIFY_PLANS = [{ plan: 'Standard', restoreRate: 100 }, { plan: 'Advanced', restoreRate: 200 }, { plan: 'Plus', restoreRate: 1000 }]

export interface BackfillRun {
  version: string
  orders: number
  pages: number
  /** The page sizes wismo asked for, as "10, 11 ×909". */
  pageSizes: string
  fakeMs: number
  wismoMs: number
  /** Inside wismo's sync: waiting for the next page (request, fake serving, client, mapping) vs the rest (storing and applying). */
  wismoFetchMs: number
  /** wismo's orders/s over the fake's alone. */
  ratio: number
  requestedPerOrder: number
  actualPerOrder: number
  /** The most points one page asked for (a bucket smaller than that could never serve it). */
  maxPageRequested: number
  /** CPU during each: this process (the fake runs in it too) and the pool's PostgreSQL backends. */
  cpu: { fakeNodeMs: number; wismoNodeMs: number; wismoPgMs: number }
  sync: SyncResult
  counts: OrderCounts
}

/** A page of wismo's document, as any client would ask it. */
async function fetchPage(fake: FakeShopify, first: number, after: string | null) {
  const res = await fetch(fake.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': fake.token },
    body: JSON.stringify({ query: DOCUMENTS.orders, variables: { first, after, query: null } }),
  })
  const body = await res.json() as {
    data?: { orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] } }
    extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null } }
    errors?: unknown
  }
  if (!body.data) throw new Error(`fake Shopify: ${res.status} ${JSON.stringify(body.errors).slice(0, 300)}`)
  return { ...body.data.orders, cost: body.extensions?.cost }
}

/** (a): the pages in turn, `sizes[i]` orders on page i, with nothing done to them. */
async function bareLoop(fake: FakeShopify, sizes: number[]): Promise<{ orders: number; requested: number; actual: number; maxPage: number; done: boolean }> {
  let after: string | null = null
  let orders = 0, requested = 0, actual = 0, maxPage = 0, done = false
  for (const first of sizes) {
    const page = await fetchPage(fake, first, after)
    orders += page.nodes.length
    requested += page.cost?.requestedQueryCost ?? 0
    maxPage = Math.max(maxPage, page.cost?.requestedQueryCost ?? 0)
    actual += page.cost?.actualQueryCost ?? 0
    after = page.pageInfo.endCursor
    done = !page.pageInfo.hasNextPage
  }
  return { orders, requested, actual, maxPage, done }
}

/** The client, counting the time the sync spends waiting for its next page. */
function timedPages(client: PlatformClient): { client: PlatformClient; waitedMs: () => number } {
  let waited = 0
  const orderPages = (opts: Parameters<PlatformClient['orderPages']>[0]): AsyncIterable<OrderPage> => ({
    [Symbol.asyncIterator]() {
      const it = client.orderPages(opts)[Symbol.asyncIterator]()
      return {
        async next() {
          const t = performance.now()
          try {
            return await it.next()
          } finally {
            waited += performance.now() - t
          }
        },
      }
    },
  })
  return { client: { ...client, orderPages }, waitedMs: () => waited }
}

/** "10, 11 ×909, 1": runs of equal sizes. */
function runsOf(sizes: number[]): string {
  const out: string[] = []
  for (let i = 0; i < sizes.length; ) {
    let j = i
    while (j < sizes.length && sizes[j] === sizes[i]) j++
    out.push(j - i > 1 ? `${sizes[i]} ×${fmt(j - i)}` : String(sizes[i]))
    i = j
  }
  return out.join(', ')
}

async function check(db: Db, n: number, sync: SyncResult): Promise<OrderCounts> {
  const c = await countAll(db)
  const [{ pages }] = await db.query<{ pages: number }>(`SELECT count(*)::int AS pages FROM inbound_messages WHERE kind = 'platform_orders' AND status = 'applied'`)
  const problems = [
    sync.orders !== n && `sync says ${sync.orders} orders`,
    sync.quarantined.length > 0 && `quarantined: ${sync.quarantined.slice(0, 3).join('; ')}`,
    pages !== sync.pages && `${pages} pages applied of ${sync.pages}`,
    c.orders !== n && `${c.orders} orders`,
    c.platformOrders !== n && `${c.platformOrders} platform orders`,
    c.lines !== n && `${c.lines} order lines`,
    c.po850 !== n && `${c.po850} 850s`,
  ].filter(Boolean)
  if (problems.length) throw new Error(`platforms backfill of ${n} orders: ${problems.join('; ')}`)
  return c
}

export async function benchBackfill(n: number): Promise<BackfillRun | null> {
  const fake = await startFakeShopify(BUCKET)
  try {
    fake.seed(n, { lines: [{ vendor: VENDOR }] })
    return await withBenchDb('postgres', { poolSize: 10 }, async (b) => {
      const db = b.db
      await seedCatalog(db)
      const { connection } = await saveConnection(db, {
        platform: 'shopify', shop: fake.shop, credentials: { token: fake.token, webhookSecret: 'unused' }, refunds: 'platform', secret: APP_SECRET, now: new Date(NOW),
      })
      // Warm-up: the fake sorts its orders once and graphql-js gets hot, before either is timed.
      await bareLoop(fake, Array.from({ length: Math.min(50, Math.ceil(n / 11)) }, () => 11))
      const pids = await backendPids(db, 10)

      const callsBefore = fake.calls.length
      const timed = timedPages(createShopifyClient({ shop: fake.shop, token: fake.token, apiUrl: fake.url }))
      let meter = cpuMeter(pids)
      let t0 = performance.now()
      const sync = await syncOrders(db, connection, timed.client, { now: fixedClock(new Date(NOW)).now, since: null })
      const wismoMs = performance.now() - t0
      const wismoCpu = meter.stop()
      const calls = fake.calls.slice(callsBefore)
      const other = calls.filter((c) => c.operationName !== 'WismoOrders' || c.outcome !== 'ok')
      if (other.length) throw new Error(`platforms backfill: ${other.length} calls other than answered WismoOrders pages (${other[0].operationName} ${other[0].outcome})`)
      const sizes = calls.map((c) => Number(c.variables.first))
      const counts = await check(db, n, sync)
      log(`  wismo sync: ${fmt(n)} orders in ${secs(wismoMs)} (${fmt(n / (wismoMs / 1000))} orders/s), ${sync.pages} pages of ${runsOf(sizes)}`)

      meter = cpuMeter([])
      t0 = performance.now()
      const bare = await bareLoop(fake, sizes)
      const fakeMs = performance.now() - t0
      const fakeCpu = meter.stop()
      if (bare.orders !== n || !bare.done) throw new Error(`platforms backfill: the bare loop read ${bare.orders} orders${bare.done ? '' : ' and the fake has more'}`)
      log(`  fake alone: ${fmt(n)} orders in ${secs(fakeMs)} (${fmt(n / (fakeMs / 1000))} orders/s); cost per order ${(bare.requested / n).toFixed(1)} requested, ${(bare.actual / n).toFixed(1)} actual`)
      return {
        version: b.version, orders: n, pages: sync.pages, pageSizes: runsOf(sizes), fakeMs, wismoMs, wismoFetchMs: timed.waitedMs(),
        ratio: fakeMs / wismoMs, requestedPerOrder: bare.requested / n, actualPerOrder: bare.actual / n, maxPageRequested: bare.maxPage,
        cpu: { fakeNodeMs: fakeCpu.nodeMs, wismoNodeMs: wismoCpu.nodeMs, wismoPgMs: wismoCpu.pgMs }, sync, counts,
      }
    })
  } finally {
    await fake.close()
  }
}

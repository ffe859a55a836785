/**
 * Customer page weight and time to first render in Chromium (issue 10): the JavaScript and CSS
 * each page loads, gzipped (the budget is ≤ 100 KB of JavaScript for the customer page), and
 * first contentful paint / DOMContentLoaded of the lookup and order pages on a phone-sized window,
 * against a real `buildApp` on PGlite.
 *
 *   BENCH_PAGES_RUNS   page loads per page (default 15; the median and p90 are reported)
 */
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { buildApp } from '../src/http/app.ts'
import { fixedClock } from '../src/clock.ts'
import { ingestSupplierFeed } from '../src/feeds/ingest-file.ts'
import { seedCatalog, seedOrder } from '../test/helpers/seed.ts'
import { fmt, intEnv, log, machineLine, today, withBenchDb } from './common.ts'

export const PAGES_HEADING = '## Customer page weight and first render (issue 10)'
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const BUDGET_JS_GZIP = 100 * 1024
// A string, not a function: tsx would wrap a function in helpers that do not exist in the page.
// The paint entry can come after "load" in headless Chromium, so it is awaited (buffered).
const PAINT_SCRIPT = `new Promise((resolve) => {
  const nav = performance.getEntriesByType('navigation')[0]
  const done = (fcp) => resolve({ fcp, dcl: nav.domContentLoadedEventEnd })
  new PerformanceObserver((list) => { const e = list.getEntriesByName('first-contentful-paint')[0]; if (e) done(e.startTime) })
    .observe({ type: 'paint', buffered: true })
  setTimeout(() => done(NaN), 5000)
})`

export interface PageWeight { page: string; js: number; jsGzip: number; css: number; cssGzip: number; html: number; htmlGzip: number }
export interface PageTiming { page: string; fcpMedian: number; fcpP90: number; dclMedian: number }
export interface PagesResult { weights: PageWeight[]; timings: PageTiming[]; runs: number; version: string; notes: string }

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]
}

/** Bytes of every script and stylesheet a page links, raw and gzipped, fetched as a browser would. */
async function weigh(base: string, page: string, path: string, cookie: string): Promise<PageWeight> {
  const html = await (await fetch(`${base}${path}`, { headers: { cookie } })).text()
  const assets = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1])
  const size = async (urls: string[]) => {
    let raw = 0
    let gz = 0
    for (const u of urls) {
      const body = Buffer.from(await (await fetch(`${base}${u}`)).arrayBuffer())
      raw += body.length
      gz += gzipSync(body, { level: 9 }).length
    }
    return [raw, gz]
  }
  const [js, jsGzip] = await size(assets(/<script[^>]+src="([^"]+)"/g))
  const [css, cssGzip] = await size(assets(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g))
  return { page, js, jsGzip, css, cssGzip, html: Buffer.byteLength(html), htmlGzip: gzipSync(html).length }
}

/** Runs the suite on PGlite. */
export async function benchPages(): Promise<PagesResult | null> {
  const runs = intEnv('BENCH_PAGES_RUNS', 15)
  return withBenchDb('pglite', {}, async (b) => {
    await seedCatalog(b.db)
    await seedOrder(b.db, {
      orderNumber: 'B1001', email: 'bench@example.com', placedAt: '2026-11-16T10:00:00Z',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME', poNumber: 'PO-B1', poLine: '1' }, { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-B1', poLine: '2' }],
    })
    await ingestSupplierFeed(b.db, {
      body: Buffer.from('po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-B1,1,,backordered,1,2026-12-21,,\n'),
      filename: 'bench.csv', supplierId: 'ACME', source: 'bench', receivedAt: new Date('2026-11-18T12:00:00Z'),
    })
    const app = await buildApp({ db: b.db, clock: fixedClock(new Date('2026-11-20T15:00:00Z')), config: { holidays: [], lookupRateLimit: 100_000 } })
    const base = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
    try {
      const lookup = await fetch(`${base}/lookup`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'order_number=B1001&email=bench%40example.com' })
      const cookie = (lookup.headers.get('set-cookie') ?? '').split(';')[0]
      const pages: [string, string][] = [['lookup (`/`)', '/'], ['order (`/orders/{number}`)', '/orders/B1001']]
      const weights: PageWeight[] = []
      for (const [name, path] of pages) weights.push(await weigh(base, name, path, cookie))
      const timings: PageTiming[] = []
      for (const [name, path] of pages) {
        const fcp: number[] = []
        const dcl: number[] = []
        for (let i = 0; i < runs; i++) {
          // A new context each time: a cold cache, as for a customer opening the page from an email.
          const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })
          const [name0, value] = cookie.split('=')
          await ctx.addCookies([{ name: name0, value, domain: new URL(base).hostname, path: '/orders/B1001', httpOnly: true, sameSite: 'Strict' }])
          const page = await ctx.newPage()
          await page.goto(`${base}${path}`, { waitUntil: 'load' })
          if (path !== '/' && (await page.locator('h1', { hasText: 'Order B1001' }).count()) === 0) throw new Error('pages: the order page did not show the order')
          const t = (await page.evaluate(PAINT_SCRIPT)) as { fcp: number; dcl: number }
          fcp.push(t.fcp)
          dcl.push(t.dcl)
          await ctx.close()
        }
        if (fcp.some(Number.isNaN)) throw new Error(`pages: ${name}: Chromium reported no first contentful paint`)
        timings.push({ page: name, fcpMedian: quantile(fcp, 0.5), fcpP90: quantile(fcp, 0.9), dclMedian: quantile(dcl, 0.5) })
        log(`pages: ${name} first contentful paint median ${fmt(quantile(fcp, 0.5), 1)} ms`)
      }
      return { weights, timings, runs, version: b.version, notes: b.notes }
    } finally {
      await browser.close()
      await app.close()
    }
  })
}

const kb = (n: number) => `${fmt(n / 1024, 1)} KB`

/** The section for docs/benchmarks.md. */
export function pagesSection(r: PagesResult, loadAvg: number): string {
  const maxJs = Math.max(...r.weights.map((w) => w.jsGzip))
  return [
    PAGES_HEADING, '',
    `Measured ${today()} with \`npm run bench\` (suite \`pages\`, bench/pages.ts).`, '',
    machineLine(loadAvg, [{ label: 'PGlite', version: r.version, notes: r.notes }, { label: 'Chromium', version: CHROMIUM }]), '',
    'What each customer page loads (scripts and stylesheets it links, fetched from the running app; gzip level 9). ' +
      `Budget: ≤ 100 KB of JavaScript gzipped — the heaviest page uses ${kb(maxJs)} (${fmt((maxJs / BUDGET_JS_GZIP) * 100, 1)}% of it).`, '',
    '| page | JavaScript | gzipped | CSS | gzipped | HTML | gzipped |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...r.weights.map((w) => `| ${w.page} | ${kb(w.js)} | ${kb(w.jsGzip)} | ${kb(w.css)} | ${kb(w.cssGzip)} | ${kb(w.html)} | ${kb(w.htmlGzip)} |`), '',
    `Time to first render in headless Chromium, 390×844 phone window, a fresh browser context (cold cache) per load, ${r.runs} loads per page, server on the same machine:`, '',
    '| page | first contentful paint, median | p90 | DOMContentLoaded, median |',
    '|---|---:|---:|---:|',
    ...r.timings.map((t) => `| ${t.page} | ${fmt(t.fcpMedian, 1)} ms | ${fmt(t.fcpP90, 1)} ms | ${fmt(t.dclMedian, 1)} ms |`), '',
    'The pages are rendered on the server (React `renderToStaticMarkup`): the order and its options are in the first response, and the one script (progressive enhancement: in-place confirm panels, focus) is deferred. The dashboard, for reps, also loads Chart.js (not counted here).', '',
  ].join('\n')
}

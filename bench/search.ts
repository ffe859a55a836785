/**
 * The console's search box (issue 16) on a store-sized table: each kind of key a rep types —
 * an order number as typed (#, lower case, spaces), its digits alone, an email (any case, or its
 * start), a phone written another way, a last name, a postal code — timed through searchOrders
 * (every statement it runs plus the rows it shows), against a bare lookup of an order by its
 * exact number (the unique index). The plans are checked for sequential scans first.
 *
 *   BENCH_SEARCH_ORDERS=100000   orders (bench/load-orders.ts; 0.6 customers per order)
 *   BENCH_SEARCH_RUNS=200        searches of each kind (different values each time)
 *   BENCH_DB                     pglite | postgres | both
 */
import { databases, fmt, intEnv, log, machineLine, secs, today, withBenchDb } from './common.ts'
import { loadOrders } from './load-orders.ts'
import type { Db } from '../src/store/db.ts'
import { searchBranches, searchOrders } from '../src/store/search.ts'
import { parseSearch } from '../src/domain/search-query.ts'

export const SEARCH_HEADING = '## Console search (issue 16)'

interface Kind { kind: string; example: string; p50: number; p95: number; found: number }
interface SearchRun { label: string; version: string; notes: string; orders: number; seedMs: number; bare: { p50: number; p95: number }; kinds: Kind[]; seqScans: string[] }

const FIRST = ['Dana', 'Lee', 'Sofia', 'Noah', 'Mateo', 'Ava', 'Liam', 'Maya', 'Ethan', 'Zoe', 'Omar', 'Ines', 'Kai', 'Nora', 'Ravi', 'June']
const LAST = ['Fields', 'Okafor', 'Thompson', 'Nguyen', 'Campbell', 'Jackson', 'Núñez', 'Robinson', 'Nelson', 'Kowalski', 'Haddad', 'Silva',
  'Moreau', 'Tanaka', 'Schmidt', 'Rossi', 'Novak', 'Ibrahim', 'Larsen', 'Dubois', 'Costa', 'Petrov', 'Walsh', 'Mendes']

/** Names and phones for the fixture's customers (it leaves them as "Customer N" with no phone). */
async function dressCustomers(db: Db): Promise<void> {
  await db.query(
    `UPDATE customers SET
        name = ($1::text[])[1 + ((hashint8(customer_id * 7) & 2147483647) % array_length($1::text[], 1))::int]
               || ' ' || ($2::text[])[1 + ((hashint8(customer_id * 11) & 2147483647) % array_length($2::text[], 1))::int],
        phone = '+1-' || (200 + customer_id % 700)::text || '-555-' || lpad((customer_id % 10000)::text, 4, '0')`,
    [FIRST, LAST],
  )
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]

async function timed(runs: number, fn: (i: number) => Promise<number>): Promise<{ p50: number; p95: number; found: number }> {
  const ms: number[] = []
  let found = 0
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    found += await fn(i)
    ms.push(performance.now() - t)
  }
  return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), found }
}

/** Relations any search statement would read whole (should be none). */
async function seqScans(db: Db, examples: string[]): Promise<string[]> {
  const out = new Set<string>()
  for (const text of examples) {
    for (const b of searchBranches(parseSearch(text), 26)) {
      const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${b.sql}`, b.values)
      for (const r of rows) {
        const m = /Seq Scan on (\w+)/.exec(r['QUERY PLAN'])
        if (m) out.add(`${m[1]} (${b.match}, "${text}")`)
      }
    }
  }
  return [...out]
}

async function runOn(kind: 'pglite' | 'postgres', orders: number, runs: number): Promise<SearchRun | null> {
  return withBenchDb(kind, {}, async (b) => {
    const t = performance.now()
    await loadOrders(b.db, orders)
    await dressCustomers(b.db)
    await b.db.query('ANALYZE')
    const seedMs = performance.now() - t
    log(`${b.label}: ${fmt(orders)} orders loaded in ${secs(seedMs)}`)
    const customers = Math.max(1, Math.floor(orders * 0.6))
    const n = (i: number) => 1 + ((i * 7919) % orders)
    const c = (i: number) => 1 + ((i * 104729) % customers)
    const row = async (i: number) => (await b.db.query<{ email: string; phone: string; name: string; postal_code: string; order_number: string }>(
      'SELECT c.email, c.phone, c.name, o.postal_code, o.order_number FROM orders o JOIN customers c USING (customer_id) WHERE o.order_id = $1', [n(i)],
    ))[0]
    const number = (i: number) => `W${String(n(i)).padStart(7, '0')}`
    const samples = await Promise.all(Array.from({ length: runs }, (_, i) => row(i)))
    const emails = await b.db.query<{ email: string }>('SELECT email FROM customers WHERE customer_id = ANY($1::bigint[])', [Array.from({ length: runs }, (_, i) => c(i))])
    const kinds: [string, (i: number) => string][] = [
      ['order number as typed', (i) => ` #${number(i).toLowerCase()} `],
      ['order number digits', (i) => String(n(i))],
      ['email, other case', (i) => emails[i % emails.length].email.toUpperCase()],
      ['start of an email', (i) => emails[i % emails.length].email.slice(0, 12)],
      ['phone, other format', (i) => { const d = samples[i].phone.replace(/\D/g, '').slice(-10); return `(${d.slice(0, 3)}) ${d.slice(3, 6)} ${d.slice(6)}` }],
      ['full name', (i) => samples[i].name],
      ['postal code', (i) => samples[i].postal_code],
    ]
    const scans = await seqScans(b.db, kinds.map(([, f]) => f(0)))
    const bare = await timed(runs, async (i) => (await b.db.query('SELECT order_id FROM orders WHERE order_number = $1', [number(i)])).length)
    const out: Kind[] = []
    for (const [name, typed] of kinds) {
      await searchOrders(b.db, typed(0)) // warm: statements prepared, as in a running console
      const r = await timed(runs, async (i) => (await searchOrders(b.db, typed(i))).hits.length)
      out.push({ kind: name, example: typed(0), ...r })
      log(`${b.label}: ${name}: p50 ${fmt(r.p50, 2)} ms, p95 ${fmt(r.p95, 2)} ms (${fmt(r.found / runs, 1)} orders found per search)`)
    }
    return { label: b.label, version: b.version, notes: b.notes, orders, seedMs, bare: { p50: bare.p50, p95: bare.p95 }, kinds: out, seqScans: scans }
  })
}

export async function benchSearch(): Promise<SearchRun[]> {
  const orders = intEnv('BENCH_SEARCH_ORDERS', 100_000)
  const runs = intEnv('BENCH_SEARCH_RUNS', 200)
  const out: SearchRun[] = []
  for (const kind of databases()) {
    const r = await runOn(kind, orders, runs)
    if (r) out.push(r)
  }
  return out
}

/** The section for docs/benchmarks.md. */
export function searchSection(runs: SearchRun[], loadAvg: number): string {
  const rows = runs.flatMap((r) => r.kinds.map((k) =>
    `| ${r.label} | ${k.kind} | \`${k.example.replace(/\|/g, '\\|')}\` | ${fmt(k.p50, 2)} / ${fmt(k.p95, 2)} ms | ${fmt(k.p50 / r.bare.p50, 1)}× | ${k.p95 < 1000 ? 'yes' : '**no**'} |`))
  return [
    SEARCH_HEADING, '',
    `Measured ${today()} with \`BENCH_SUITES=search npm run bench\` (bench/search.ts).`, '',
    machineLine(loadAvg, runs.map((r) => ({ label: r.label, version: r.version, notes: r.notes }))), '',
    `${runs.map((r) => `${r.label}: ${fmt(r.orders)} orders (${fmt(Math.floor(r.orders * 0.6))} customers), loaded in ${secs(r.seedMs)}; ` +
      `sequential scans in the search plans: ${r.seqScans.length ? r.seqScans.join(', ') : 'none'}; ` +
      `bare lookup by exact order number (unique index) p50 / p95 ${fmt(r.bare.p50, 2)} / ${fmt(r.bare.p95, 2)} ms.`).join(' ')}`, '',
    'Each search is `searchOrders` as the console calls it: every statement the text can be (an order number is also tried as a postal ' +
      'code, a word as an email start and a name) and the statement that describes the orders found (customer, state of the lines). ' +
      '"× bare" is its median over the bare indexed lookup\'s. The aim is under a second (p95).', '',
    '| database | typed | example | search p50 / p95 | × bare | p95 < 1 s |',
    '|---|---|---|---|---|---|',
    ...rows, '',
  ].join('\n')
}

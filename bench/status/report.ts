/** The status suite's section of docs/benchmarks.md and its rows of the summary table. */
import { fmt, machineLine, secs, today, type SummaryRow } from '../common.ts'
import type { StatusRun } from './run.ts'
import { EVENING, FEEDS_AT, MORNING } from './day.ts'

export const STATUS_HEADING = '## Order status endpoint (issues 2, 7 and 20)'
/** Issue 20's aims, each against the bare route in the same run. */
const AIM = { hot: 0.8, morning: 0.7, cold: 0.3 } as const

const ratio = (r: StatusRun, w: 'morning' | 'cold' | 'hot') =>
  w === 'hot' ? r.hot.combined.hot.reqPerSec / r.hot.combined.bare.reqPerSec : r.rounds.combined[w].reqPerSec / r.rounds.combined.bare.reqPerSec
const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×`
const spread = (r: StatusRun, w: 'morning' | 'cold' | 'hot') =>
  range(w === 'hot' ? r.hot.perRound.map((x) => x.hot / x.bare) : r.rounds.perRound.map((x) => x[w] / x.bare))
const verdict = (r: StatusRun, w: 'morning' | 'cold' | 'hot') => `**${ratio(r, w).toFixed(2)}×** (${ratio(r, w) >= AIM[w] ? 'met' : 'not met'})`

export function statusSummary(runs: StatusRun[]): SummaryRow[] {
  return runs.flatMap((r) => [
    { figure: `Hot lookup (one order again and again, ${r.hot.connections} connections) / bare route (${r.label})`, aim: `≥ ${AIM.hot}×`, value: `${ratio(r, 'hot').toFixed(2)}×`, met: ratio(r, 'hot') >= AIM.hot },
    { figure: `Lookup the morning after a day of feeds / bare route (${r.label})`, aim: `≥ ${AIM.morning}×`, value: `${ratio(r, 'morning').toFixed(2)}×`, met: ratio(r, 'morning') >= AIM.morning },
    { figure: `Orders served as stored at 09:00 (${r.label})`, aim: 'all', value: `${fmt(r.valid.valid)} of ${fmt(r.valid.orders)}`, met: r.valid.valid === r.valid.orders },
    { figure: `Lookup plan in a process started on an empty order_views (${r.label})`, aim: 'index scan, no manual ANALYZE', value: r.plans.morning, met: /Index/.test(r.plans.morning) },
    { figure: `Cold lookup (view derived and stored) / bare route (${r.label})`, aim: `≥ ${AIM.cold}×`, value: `${ratio(r, 'cold').toFixed(2)}×`, met: ratio(r, 'cold') >= AIM.cold },
  ])
}

/** Where the hot lookup's time goes, from what this run measured (the main thread's CPU per request). */
function whereTheTimeGoes(runs: StatusRun[]): string {
  const cpu = runs.map((r) => r.hot.cpuUs
    ? `${r.label}: the server's main thread spent ${r.hot.cpuUs.hot.toFixed(0)} µs of CPU per hot lookup and ${r.hot.cpuUs.bare.toFixed(0)} µs per bare request ` +
      `(the bare request ${(r.hot.cpuUs.bare / r.hot.cpuUs.hot).toFixed(2)}× the lookup's)`
    : `${r.label}: no per-thread CPU figures (no /proc)`).join('; ')
  return `**Where the hot lookup's time goes.** ${cpu}; read from /proc/self/task for the main thread alone, so the load generator's ` +
    'thread is left out, and the database server\'s own CPU is not in it. The lookup does one round trip like the bare route, ' +
    'but its statement joins five tables (the order, its customer, its stored view, the order number\'s and the client\'s lock-outs) ' +
    'and returns the stored JSON; on the Node side the rest is Fastify\'s hooks and the route\'s own work (zod on the number and the ' +
    'proof, the rate limiter\'s count, two SHA-256 key hashes, the calendar and the contact noted for the dashboard). Every hook that ' +
    'runs on all routes runs on this one: the security headers are computed once (helmet, at start) and set by one synchronous hook, ' +
    'the input guard and the early hang-up hook are synchronous, cookies are parsed on the pages only, request logging is off ' +
    '(warnings and faults are still logged). To see it for yourself: `BENCH_HOT_CPU=/tmp/hot node --import tsx bench/status/hot.ts` ' +
    'writes a CPU profile of a bare run and of a hot run (open them in Chrome DevTools); `node --import tsx bench/profile.ts` times each ' +
    'phase of the handler one at a time.'
}

export function statusSection(runs: StatusRun[], skipped: string[], loadAvg: number): string {
  const first = runs[0]
  const c = (r: StatusRun) => r.rounds.combined
  return [
    STATUS_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/status/, \`BENCH_SUITES=status\`). Aims (issue 20): the customer status route ` +
      '`GET /api/orders/:number/status?email=…`, with every security measure on (headers, rate limit, lock-out, uniform not-found), serves at least ' +
      `**${AIM.hot}×** the requests per second of a bare route doing one indexed query on the same database, in the same process, when one order is ` +
      `asked again and again over 50 connections (hot); **${AIM.morning}×** for random orders the morning after a day of feeds; **${AIM.cold}×** ` +
      'when the view is derived and stored (cold).',
    '',
    '| database | conns | bare req/s | morning req/s | morning / bare | morning p99 ms | cold req/s | cold / bare | cold p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.label} | ${r.connections} | ${fmt(c(r).bare.reqPerSec)} | ${fmt(c(r).morning.reqPerSec)} | ${verdict(r, 'morning')} ` +
      `| ${c(r).morning.p99} | ${fmt(c(r).cold.reqPerSec)} | ${verdict(r, 'cold')} | ${c(r).cold.p99} |`),
    '',
    '| database | conns | order | bare req/s | hot req/s | hot / bare | hot p99 ms | bare p99 ms |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.label} | ${r.hot.connections} | ${r.hot.order} | ${fmt(r.hot.combined.bare.reqPerSec)} | ${fmt(r.hot.combined.hot.reqPerSec)} ` +
      `| ${verdict(r, 'hot')} | ${r.hot.combined.hot.p99} | ${r.hot.combined.bare.p99} |`),
    '',
    whereTheTimeGoes(runs),
    '',
    `**The day.** ${runs.map((r) => `${r.label}: ${r.evening ? `the evening sweep (${EVENING}) examined ${fmt(r.evening.result.examined)} lines and wrote ` +
      `${fmt(r.evening.result.viewsWritten)} views in ${secs(r.evening.ms)}` : 'no evening sweep (`BENCH_STATUS_EVENING=0`: the loaded lines were first swept in the morning)'}; ${r.feeds.files} 846s (${FEEDS_AT} on, ${fmt(r.feeds.items)} items, ${fmt(r.feeds.changed)} offers changed, ` +
      `${fmt(r.feeds.linesMarked)} open lines marked) in ${secs(r.feeds.ms)}; the first sweep after midnight examined ${fmt(r.morningSweep.result.examined)} lines ` +
      `(due or marked) and wrote ${fmt(r.morningSweep.result.viewsWritten)} views in ${secs(r.morningSweep.ms)}; at ${MORNING} ${fmt(r.valid.valid)} of ` +
      `${fmt(r.valid.orders)} orders had a view valid as stored; ${r.same.same}/${r.same.checked} sweep-written views were byte-identical to the cold answer.`).join(' ')}`,
    '',
    `**Cached plan.** The app's first lookups ran while order_views was empty, so the head read's cached plan was made then: ${runs.map((r) =>
      `${r.label} "${r.plans.empty}" then, "${r.plans.morning}" in the morning (the sweep re-analyzes order_views as it grows, src/status/view-cache.ts ` +
      `\`noteViewsStored\`); the read one at a time: ${r.headUs.asLeft.toFixed(0)} µs as left, ${r.headUs.analyzed.toFixed(0)} µs after an explicit ANALYZE`).join('; ')}.`,
    '',
    `**Spread** of the ratio over the rounds: ${runs.map((r) => `${r.label} hot ${spread(r, 'hot')}, morning ${spread(r, 'morning')}, cold ${spread(r, 'cold')}`).join('; ')}. ` +
      `Per round (req/s, bare / morning / cold): ${runs.map((r) => `${r.label} ${r.rounds.perRound.map((x) => `${fmt(x.bare)} / ${fmt(x.morning)} / ${fmt(x.cold)}`).join('; ')}`).join('. ')}. ` +
      `Hot (bare / hot): ${runs.map((r) => `${r.label} ${r.hot.perRound.map((x) => `${fmt(x.bare)} / ${fmt(x.hot)}`).join('; ')}`).join('. ')}.`,
    '',
    ...(skipped.length ? [`Skipped: ${skipped.join('; ')}.`, ''] : []),
    machineLine(loadAvg, runs.map((r) => ({ label: r.label, version: r.version, notes: r.notes }))),
    '',
    `**Data.** ${fmt(first?.load.counts.orders ?? 0)} orders (${fmt(first?.load.counts.order_lines ?? 0)} lines, ${fmt(first?.load.counts.supplier_signals ?? 0)} supplier signals, ` +
      `${fmt(first?.load.counts.shipments ?? 0)} shipments, ${fmt(first?.load.counts.carrier_events ?? 0)} carrier events, 20 suppliers with EDI ids) loaded by bench/load-orders.ts ` +
      `with every line dirty, as an import leaves them (${runs.map((r) => `${r.label} ${secs(r.load.ms)}`).join(', ')}). Each 846 lists every offer of its supplier, ` +
      'one item in 20 changing stock (out, with a restock date, or back in); the rest repeat what is known and mark nothing.',
    '',
    '**Method.** One process: `buildApp` as `wismo serve` builds it (its logger, rate limit 1e9/min, clock moved through the day) and, on a Fastify ' +
      'instance of its own with default options (no plugin, no hook: the bare baseline), `GET /bench/bare/:number` ' +
      '(`SELECT order_id, order_number, placed_at FROM orders WHERE order_number = $1`, on the same database handle); autocannon 9 in a worker thread; every request a real order with its email ' +
      '(a non-2xx answer fails the suite). Orders in a fixed shuffled list: the last 300 for the identity check; the first half is the cold pool ' +
      `(its views removed before the rounds, each order asked once: ${runs.map((r) => `${r.label} ${fmt(r.rounds.coldUsed)} of ${fmt(r.coldPool)}`).join(', ')}); ` +
      'morning lookups are random orders of the rest; bare a random order of all. One 2 s warm-up round, then rounds of bare, morning, cold in turn; ' +
      'req/s is all rounds\' requests over their time, p99 the median round\'s. Then the hot lookup: the first order of the morning pool (its view stored ' +
      'by the sweep) and the bare route for that same order, 50 connections on both databases, a 2 s warm-up and the same rounds of bare, hot in turn.',
    '',
  ].join('\n')
}

/** The status suite's section of docs/benchmarks.md and its rows of the summary table. */
import { fmt, machineLine, secs, today, type SummaryRow } from '../common.ts'
import type { StatusRun } from './run.ts'
import { EVENING, FEEDS_AT, MORNING } from './day.ts'

export const STATUS_HEADING = '## Order status endpoint (issues 2 and 7)'
const AIM = 0.7

const ratio = (r: StatusRun, w: 'morning' | 'cold') => r.rounds.combined[w].reqPerSec / r.rounds.combined.bare.reqPerSec
const spread = (r: StatusRun, w: 'morning' | 'cold') => {
  const xs = r.rounds.perRound.map((x) => x[w] / x.bare)
  return `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×`
}

export function statusSummary(runs: StatusRun[]): SummaryRow[] {
  return runs.flatMap((r) => [
    { figure: `Lookup the morning after a day of feeds / bare route (${r.label})`, aim: `≥ ${AIM}×`, value: `${ratio(r, 'morning').toFixed(2)}×`, met: ratio(r, 'morning') >= AIM },
    { figure: `Orders served as stored at 09:00 (${r.label})`, aim: 'all', value: `${fmt(r.valid.valid)} of ${fmt(r.valid.orders)}`, met: r.valid.valid === r.valid.orders },
    { figure: `Lookup plan in a process started on an empty order_views (${r.label})`, aim: 'index scan, no manual ANALYZE', value: r.plans.morning, met: /Index/.test(r.plans.morning) },
    { figure: `Cold lookup (view derived and stored) / bare route (${r.label})`, aim: 'none (measured on its own)', value: `${ratio(r, 'cold').toFixed(2)}×`, met: null },
  ])
}

export function statusSection(runs: StatusRun[], skipped: string[], loadAvg: number): string {
  const first = runs[0]
  const c = (r: StatusRun) => r.rounds.combined
  return [
    STATUS_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/status/, \`BENCH_SUITES=status\`). Aim: the morning after a day of feeds, the customer status route ` +
      '`GET /api/orders/:number/status?email=…` serves at least **0.7×** the requests per second of a bare route doing one indexed query on the same database, ' +
      'in the same process; the cold path (a view derived and stored) is measured on its own.',
    '',
    '| database | conns | bare req/s | morning req/s | morning / bare | morning p99 ms | cold req/s | cold / bare | cold p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.label} | ${r.connections} | ${fmt(c(r).bare.reqPerSec)} | ${fmt(c(r).morning.reqPerSec)} | **${ratio(r, 'morning').toFixed(2)}×** ` +
      `(${ratio(r, 'morning') >= AIM ? 'met' : 'not met'}) | ${c(r).morning.p99} | ${fmt(c(r).cold.reqPerSec)} | ${ratio(r, 'cold').toFixed(2)}× | ${c(r).cold.p99} |`),
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
    `**Spread** of the ratio over the rounds: ${runs.map((r) => `${r.label} morning ${spread(r, 'morning')}, cold ${spread(r, 'cold')}`).join('; ')}. ` +
      `Per round (req/s, bare / morning / cold): ${runs.map((r) => `${r.label} ${r.rounds.perRound.map((x) => `${fmt(x.bare)} / ${fmt(x.morning)} / ${fmt(x.cold)}`).join('; ')}`).join('. ')}.`,
    '',
    ...(skipped.length ? [`Skipped: ${skipped.join('; ')}.`, ''] : []),
    machineLine(loadAvg, runs.map((r) => ({ label: r.label, version: r.version, notes: r.notes }))),
    '',
    `**Data.** ${fmt(first?.load.counts.orders ?? 0)} orders (${fmt(first?.load.counts.order_lines ?? 0)} lines, ${fmt(first?.load.counts.supplier_signals ?? 0)} supplier signals, ` +
      `${fmt(first?.load.counts.shipments ?? 0)} shipments, ${fmt(first?.load.counts.carrier_events ?? 0)} carrier events, 20 suppliers with EDI ids) loaded by bench/load-orders.ts ` +
      `with every line dirty, as an import leaves them (${runs.map((r) => `${r.label} ${secs(r.load.ms)}`).join(', ')}). Each 846 lists every offer of its supplier, ` +
      'one item in 20 changing stock (out, with a restock date, or back in); the rest repeat what is known and mark nothing.',
    '',
    '**Method.** One process: `buildApp` (rate limit 1e9/min, clock moved through the day) plus `GET /bench/bare/:number` ' +
      '(`SELECT order_id, order_number, placed_at FROM orders WHERE order_number = $1`); autocannon 9 in a worker thread; every request a real order with its email ' +
      '(a non-2xx answer fails the suite). Orders in a fixed shuffled list: the last 300 for the identity check; the first half is the cold pool ' +
      `(its views removed before the rounds, each order asked once: ${runs.map((r) => `${r.label} ${fmt(r.rounds.coldUsed)} of ${fmt(r.coldPool)}`).join(', ')}); ` +
      'morning lookups are random orders of the rest; bare a random order of all. One 2 s warm-up round, then rounds of bare, morning, cold in turn; ' +
      'req/s is all rounds\' requests over their time, p99 the median round\'s.',
    '',
  ].join('\n')
}

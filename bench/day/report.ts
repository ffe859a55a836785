/** The day at scale's section of docs/benchmarks.md and its summary rows, with the extrapolation to the full day computed here. */
import { fmt, machineLine, secs, today, type SummaryRow } from '../common.ts'
import { FULL, type DayRun } from './run.ts'

export const DAY_HEADING = '## A day at scale, end to end (issue 20)'

const PHASE_NAMES = ['feeds', 'webhooks', 'sweeps', 'outreach'] as const
const DAY = 86_400_000

/** How the full day (FULL sizes) follows from a run: each phase scaled by the size it is driven by (linear; an extrapolation). */
export function extrapolate(r: DayRun) {
  const fullLines = FULL.orders * FULL.linesPerOrder
  const byLines = fullLines / r.lines
  const byHooks = FULL.webhooks / r.webhooks
  const factor: Record<string, number> = { load: byLines, feeds: byLines, webhooks: byHooks, sweeps: byLines, outreach: FULL.orders / r.size.orders }
  const ms = (p: keyof DayRun['phases']) => r.phases[p].ms * factor[p]
  const dayMs = PHASE_NAMES.reduce((s, p) => s + ms(p), 0)
  const cpu = (k: 'nodeCpuMs' | 'dbCpuMs' | 'benchCpuMs') => PHASE_NAMES.reduce((s, p) => s + r.phases[p][k] * factor[p], 0)
  return { factor, loadMs: ms('load'), dayMs, nodeCpuMs: cpu('nodeCpuMs'), dbCpuMs: cpu('dbCpuMs'), benchCpuMs: cpu('benchCpuMs'), perPhase: Object.fromEntries(PHASE_NAMES.map((p) => [p, ms(p)])) as Record<string, number> }
}

const ratePerS = (n: number, ms: number) => (ms > 0 ? n / (ms / 1000) : 0)
const hm = (ms: number) => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : secs(ms))

export function daySection(runs: DayRun[], load: number): string {
  const r0 = runs[0]
  const size = r0.size
  const lines: string[] = [DAY_HEADING, '',
    `Measured ${today()} by \`npm run bench\` (bench/day/, \`BENCH_SUITES=day\`), PostgreSQL only. **Size of this run: ${fmt(size.orders)} orders × ${size.linesPerOrder} lines = ` +
    `${fmt(r0.lines)} open lines, ${fmt(r0.webhooks)} carrier webhooks, 20 suppliers' 846, 855 and 856 (${fmt(r0.feedItems)} items)** — ` +
    `${r0.lines === FULL.orders * FULL.linesPerOrder && r0.webhooks === FULL.webhooks ? 'the full day' : `1/${fmt(FULL.orders * FULL.linesPerOrder / r0.lines, 1)} of the full day's lines and 1/${fmt(FULL.webhooks / r0.webhooks, 1)} of its webhooks (the full day: ${fmt(FULL.orders)} orders, ${fmt(FULL.orders * FULL.linesPerOrder)} open lines, ${fmt(FULL.webhooks)} webhooks; it does not finish in the time a shared 2-core machine gives)`}.`,
    '',
    'A real `wismo serve` and N real `wismo worker` processes (bin/wismo.js, child processes; `serve` runs the workers too, so N workers means N + 1 processes sweeping and dispatching) ' +
    'against a PostgreSQL database of their own (DATABASE_URL), the clock pinned at 11:00 New York (WISMO_NOW), quiet hours off, sweep interval 5 s, ETA learning off. ' +
    '**load**: the base state set-based (bench/day/load.ts: every line open, acknowledged, marked for the sweep as an import leaves it; every third line shipped with a parcel). ' +
    '**feeds**: each supplier\'s 846 (every offer, one in 20 changing), then its 855 (line 2 of every fourth order re-confirmed, line 1 of every tenth order backordered past its promised date), then its 856 (line 4 of one order in five shipped), POSTed to `/api/suppliers/:id/feeds` with the supplier\'s key, 4 in flight. ' +
    '**webhooks**: signed EasyPost `tracker.updated` events for the shipped parcels, POSTed to `/api/carriers/easypost/webhook`, 16 in flight. Customer lookups (2 in flight) run through feeds and webhooks. ' +
    '**sweeps**: from the last webhook until no line is marked and no order waits for outreach (the workers sweep all along; this is the tail). **outreach**: until the local SMTP server (smtp-server) has every message. ' +
    'The day = feeds → last message (the load is the day before\'s state). CPU from /proc: wismo = the serve and worker processes, database = the backends of this database (pg_stat_activity, sampled every 0.5 s; background writer and WAL writer not counted), bench = this load generator.',
    '',
    'Checks (fail the suite): every file applied; every webhook applied once (200 applied, the count of applied webhook messages equal to those sent, a replayed sample answered duplicate); every order a 855 backordered got exactly one message and no other order one; stored views byte-identical to the cold derivation for a sample (read, removed, asked through the route).',
    '',
    machineLine(load, []),
    '',
    '| workers | day (feeds → last message) | feeds | webhooks | sweeps (tail) | outreach (tail) | webhooks/s | feed items/s | lookups (p50 / p99 ms) | messages (one each) | views identical | load avg |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const r of runs) {
    lines.push(`| ${r.workers} | **${secs(r.dayMs)}** | ${secs(r.phases.feeds.ms)} | ${secs(r.phases.webhooks.ms)} | ${secs(r.phases.sweeps.ms)} | ${secs(r.phases.outreach.ms)} | ` +
      `${fmt(ratePerS(r.webhooks, r.phases.webhooks.ms))} | ${fmt(ratePerS(r.feedItems, r.phases.feeds.ms))} | ${fmt(r.lookups.count)} (${r.lookups.p50.toFixed(0)} / ${r.lookups.p99.toFixed(0)}) | ` +
      `${fmt(r.messages)} of ${fmt(r.toTell)} | ${r.viewsSame.same}/${r.viewsSame.checked} | ${r.load.toFixed(1)} |`)
  }
  lines.push('', `Base state load (set-based, in the bench process): ${runs.map((r) => `${r.workers} worker(s) ${secs(r.phases.load.ms)}`).join(', ')}; processes started in ${runs.map((r) => secs(r.phases.start.ms)).join(', ')}.`, '',
    '**Where the time goes** (CPU seconds in each phase; the phases\' wall time on 2 cores is the ceiling of 2 CPU-s per second):', '',
    '| workers | phase | wall | wismo CPU | database CPU | bench CPU | CPU / wall |', '|---:|---|---:|---:|---:|---:|---:|')
  for (const r of runs) {
    for (const p of ['load', ...PHASE_NAMES] as const) {
      const f = r.phases[p]
      lines.push(`| ${r.workers} | ${p} | ${secs(f.ms)} | ${secs(f.nodeCpuMs)} | ${secs(f.dbCpuMs)} | ${secs(f.benchCpuMs)} | ${((f.nodeCpuMs + f.dbCpuMs + f.benchCpuMs) / f.ms).toFixed(2)} |`)
    }
  }
  const sweepsOf = (r: DayRun) => {
    const examined = r.sweepLog.map((l) => Number(/"examined":(\d+)/.exec(l)?.[1] ?? 0))
    const procs = new Set(r.sweepLog.map((l) => /^worker\[(\d+)\]/.exec(l)?.[1])).size
    return `${r.workers} worker(s): ${r.sweepLog.length} sweeps logged by ${procs} worker process(es), ${fmt(examined.reduce((a, b) => a + b, 0))} lines examined (the serve process's own sweeps are not logged)`
  }
  lines.push('', `Sweeps run by the workers: ${runs.map(sweepsOf).join('; ')}.`)

  // The extrapolation, from the run with the shortest day.
  const best = runs.reduce((a, b) => (b.dayMs < a.dayMs ? b : a))
  const x = extrapolate(best)
  const fullLines = FULL.orders * FULL.linesPerOrder
  const dbPerDayS = x.dbCpuMs / 1000
  const nodePerDayS = x.nodeCpuMs / 1000
  const days16 = (16 * DAY) / x.dbCpuMs
  lines.push('', `**Extrapolation to the full day (computed, linear; not measured).** From the ${best.workers}-worker run (the shortest day here), each phase scaled by what drives it ` +
    `(feeds, sweeps and the load by open lines ×${fmt(x.factor.feeds, 1)}, webhooks by webhooks ×${fmt(x.factor.webhooks, 1)}, outreach by orders ×${fmt(x.factor.outreach, 1)}): ` +
    `the full day (${fmt(FULL.orders)} orders, ${fmt(fullLines)} open lines, ${fmt(FULL.webhooks)} webhooks) would take about **${hm(x.dayMs)}** on this machine ` +
    `(feeds ${hm(x.perPhase.feeds)}, webhooks ${hm(x.perPhase.webhooks)}, sweeps' tail ${hm(x.perPhase.sweeps)}, outreach's tail ${hm(x.perPhase.outreach)}; the base state's load ${hm(x.loadMs)} besides), ` +
    `so one 2-core machine like this one carries about **${(DAY / x.dayMs).toFixed(1)} such days per 24 h** (extrapolated). ` +
    `At this size it measured ${secs(best.dayMs)}: ${(DAY / best.dayMs).toFixed(0)} days of this size per 24 h.`)
  lines.push('', `**On paper, a 16-core database host (extrapolated, not measured).** The full day costs about ${fmt(dbPerDayS)} CPU-s in the database and ${fmt(nodePerDayS)} CPU-s in wismo's processes (the run's split scaled as above). ` +
    `What scales with workers: parsing and reading the files, verifying and reading the webhooks, deriving each line's state, composing, rendering and sending messages — wismo's CPU, spread by adding \`wismo worker\` processes (sweeps claim lines with FOR UPDATE SKIP LOCKED; each 5 s interval's sweep and each dispatch job go to whichever process is free) and \`wismo serve\` processes behind a load balancer for webhooks and lookups (one process is one core). ` +
    `What is bound by the database: every webhook's INSERT of the raw body and its events, every line's UPDATE and history row, the views, the outbox — each a transaction with its WAL flush. ` +
    `With wismo's processes on other machines and the database CPU the bound, a 16-core host would carry about **${days16.toFixed(0)} full days per 24 h** (16 × 86,400 CPU-s / ${fmt(dbPerDayS)} CPU-s per day), ` +
    `if its disk keeps up with the commits (at that pace about ${fmt((FULL.webhooks * days16) / 86_400)} webhook transactions per second on average, each with a WAL flush that group commit may share) and the work spreads over the cores (the sweeps' claims and the webhooks' inserts touch different rows). ` +
    `wismo's side would then need about ${fmt((nodePerDayS * days16) / 86_400, 1)} cores of serve and worker processes to keep pace.`)
  lines.push('', runs.length > 1
    ? `**Scale-out on this machine.** ${runs.map((r) => `${r.workers} worker(s) ${secs(r.dayMs)}`).join(', ')} (${runs.map((r) => `${(runs[0].dayMs / r.dayMs).toFixed(2)}×`).join(' / ')} the first's speed): on 2 cores shared by the database, the load generator and every wismo process, more workers add no CPU; the runs show the path works (several processes sweep and dispatch the same day and the checks hold), not that it is faster here.`
    : `**Scale-out on this machine.** Only the ${runs[0].workers}-worker run is in this section (BENCH_DAY_WORKERS runs each count in turn; the section is rewritten after each, so a run cut short keeps the counts it finished).`)
  return `${lines.join('\n')}\n`
}

export function daySummary(runs: DayRun[]): SummaryRow[] {
  const best = runs.reduce((a, b) => (b.dayMs < a.dayMs ? b : a))
  const x = extrapolate(best)
  const r0 = runs[0]
  return [
    ...runs.map((r) => ({
      figure: `Day at ${fmt(r.lines)} lines / ${fmt(r.webhooks)} webhooks, feeds → last message, serve + ${r.workers} worker(s) (PostgreSQL)`,
      aim: 'none set (every feed and webhook applied once, one message per told order, views = derived; checked)', value: secs(r.dayMs), met: null,
    })),
    {
      figure: `Full day (${fmt(FULL.orders)} orders, ${fmt(FULL.orders * FULL.linesPerOrder)} lines, ${fmt(FULL.webhooks)} webhooks), extrapolated from ${fmt(r0.lines)} lines: days per 24 h on this 2-core machine`,
      aim: 'none set (extrapolation, linear)', value: `${(DAY / x.dayMs).toFixed(1)} (a day in ${hm(x.dayMs)})`, met: null,
    },
  ]
}

/**
 * `npm run bench`: every benchmark suite, each rewriting its own section of docs/benchmarks.md
 * as soon as it is done (so an interrupted run keeps what it measured).
 *
 *   BENCH_SUITES=status,x12,sweep,fuzz,webhooks,outreach,alternatives,pages,search,replay,eta,platforms,day   which suites, in this order (default all)
 *   BENCH_QUICK=1                        every suite at a small size (the table in bench/common.ts; a knob set by hand wins), to check
 *                                        the benchmark code in under ten minutes; writes to a scratch file (BENCH_QUICK_DOC, default
 *                                        $TMPDIR/wismo-bench-quick.md), never docs/benchmarks.md; figures not asserted
 *   BENCH_DB=both                        pglite | postgres | both (status, x12, fuzz; sweep, webhooks and platforms are PostgreSQL only)
 *   BENCH_DATABASE_URL                   the server (default postgres://127.0.0.1:5432/test); each suite in its own schema, dropped afterwards
 *
 * Knobs per suite are in the header of bench/status/run.ts, x12.ts, sweep.ts, fuzz.ts webhooks/run.ts, alternatives.ts, outreach.ts, pages.ts, search.ts, platforms.ts and day/run.ts; eta.ts (a simulated year per WISMO_ETA_TARGET).
 */
import os from 'node:os'
import { QUICK, docsPath, log, secs, writeSection, writeSummary, type SummaryRow } from './common.ts'
import { benchStatus } from './status/run.ts'
import { statusSection, statusSummary, STATUS_HEADING } from './status/report.ts'
import { benchX12, x12Section, X12_HEADING } from './x12.ts'
import { benchSweep, sweepSection, SWEEP_HEADING } from './sweep.ts'
import { benchFuzz, fuzzSection, FUZZ_HEADING } from './fuzz.ts'
import { runWebhookBench } from './webhooks/run.ts'
import { webhookSection, webhookSummary, WEBHOOKS_HEADING } from './webhooks/report.ts'
import { fuzzSummary, sweepSummary, x12Summary } from './summaries.ts'
import { benchAlternatives, alternativesSection, ALTERNATIVES_HEADING } from './alternatives.ts'
import { benchOutreach, outreachSection, outreachSummary, OUTREACH_HEADING } from './outreach.ts'
import { benchPages, pagesSection, PAGES_HEADING } from './pages.ts'
import { benchSearch, searchSection, SEARCH_HEADING } from './search.ts'
import { benchReplay, replaySection, REPLAY_HEADING } from './replay.ts'
import { benchEta, etaSection, ETA_HEADING } from './eta.ts'
import { machineLine } from './common.ts'
import { benchPlatforms, platformsSection, platformsSummary, PLATFORMS_HEADING } from './platforms.ts'
import { benchDay } from './day/run.ts'
import { daySection, daySummary, DAY_HEADING } from './day/report.ts'

const SUITES: Record<string, () => Promise<void>> = {
  async status() {
    const load = os.loadavg()[0]
    const { runs, skipped } = await benchStatus()
    if (runs.length === 0) throw new Error('status: no database was benchmarked')
    writeSection(STATUS_HEADING, statusSection(runs, skipped, load))
    summary('status', statusSummary(runs))
  },
  async x12() {
    const load = os.loadavg()[0]
    const r = await benchX12()
    if (r.runs.length === 0) throw new Error('x12: no database was benchmarked')
    writeSection(X12_HEADING, x12Section(r, load))
    summary('x12', x12Summary(r))
  },
  async sweep() {
    const load = os.loadavg()[0]
    const runs = await benchSweep()
    if (runs.length === 0) throw new Error('sweep: PostgreSQL is needed and was unreachable')
    writeSection(SWEEP_HEADING, sweepSection(runs, load))
    summary('sweep', sweepSummary(runs))
  },
  async fuzz() {
    const load = os.loadavg()[0]
    const r = await benchFuzz()
    writeSection(FUZZ_HEADING, fuzzSection(r, load))
    summary('fuzz', fuzzSummary(r))
  },
  async alternatives() {
    const load = os.loadavg()[0]
    const runs = await benchAlternatives()
    if (runs.length === 0) throw new Error('alternatives: no database was benchmarked')
    writeSection(ALTERNATIVES_HEADING, alternativesSection(runs, load))
  },
  async webhooks() {
    const load = os.loadavg()[0]
    const r = await runWebhookBench()
    if (!r) throw new Error('webhooks: PostgreSQL is needed and was unreachable')
    writeSection(WEBHOOKS_HEADING, webhookSection(r, load))
    summary('webhooks', webhookSummary(r))
  },
  async outreach() {
    const load = os.loadavg()[0]
    const r = await benchOutreach()
    writeSection(OUTREACH_HEADING, outreachSection(r, load))
    summary('outreach', outreachSummary(r))
  },
  async pages() {
    const load = os.loadavg()[0]
    const r = await benchPages()
    if (!r) throw new Error('pages: no database was benchmarked')
    writeSection(PAGES_HEADING, pagesSection(r, load))
  },
  async search() {
    const load = os.loadavg()[0]
    const runs = await benchSearch()
    if (runs.length === 0) throw new Error('search: no database was benchmarked')
    writeSection(SEARCH_HEADING, searchSection(runs, load))
  },
  async replay() {
    const load = os.loadavg()[0]
    const r = await benchReplay()
    if (r.code !== 0) throw new Error(`replay: wismo replay exited ${r.code}`)
    writeSection(REPLAY_HEADING, replaySection(r, machineLine(load, [])))
  },
  async eta() {
    const load = os.loadavg()[0]
    const r = await benchEta()
    writeSection(ETA_HEADING, etaSection(r, machineLine(load, [])))
  },
  async platforms() {
    const load = os.loadavg()[0]
    const r = await benchPlatforms()
    if (!r) throw new Error('platforms: PostgreSQL is needed and was unreachable')
    writeSection(PLATFORMS_HEADING, platformsSection(r, load))
    summary('platforms', platformsSummary(r))
  },
  async day() {
    const load = os.loadavg()[0]
    // Rewritten after each worker count, so a run cut short keeps what it measured.
    const runs = await benchDay((sofar) => {
      writeSection(DAY_HEADING, daySection(sofar, load))
      summary('day', daySummary(sofar))
    })
    if (!runs) throw new Error('day: PostgreSQL is needed and was unreachable')
  },
}

const summary = (suite: string, rows: SummaryRow[]) => writeSummary(suite, rows, Object.keys(SUITES))

async function main(): Promise<void> {
  const wanted = (process.env.BENCH_SUITES || Object.keys(SUITES).join(',')).split(',').map((s) => s.trim()).filter(Boolean)
  const unknown = wanted.filter((s) => !SUITES[s])
  if (unknown.length) throw new Error(`BENCH_SUITES: unknown ${unknown.join(', ')} (known: ${Object.keys(SUITES).join(', ')})`)
  const started = performance.now()
  log(`wismo bench: ${wanted.join(', ')}; load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`)
  if (QUICK) log(`quick mode (BENCH_QUICK): small sizes, sections written to ${docsPath()}, not docs/benchmarks.md`)
  const failed: string[] = []
  for (const name of wanted) {
    const t = performance.now()
    try {
      await SUITES[name]()
      log(`${name}: done in ${secs(performance.now() - t)}`)
    } catch (err) {
      // One suite failing (a server down, a regression) does not cost the others their figures.
      console.error(`\n${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
      failed.push(name)
    }
  }
  log(`\ntotal ${secs(performance.now() - started)}`)
  if (failed.length) throw new Error(`failed: ${failed.join(', ')}`)
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`\nbench: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)

/** The summary table's rows of the x12, sweep and fuzz suites (status and webhooks have theirs beside their reports). */
import { fmt, type SummaryRow } from './common.ts'
import { BARE_AIM, X12_ITEMS, X12_LINES, type X12Run } from './x12.ts'
import type { SweepRun } from './sweep.ts'
import type { FuzzRun } from './fuzz.ts'

const RSS_AIM_MB = 300

export function x12Summary(r: X12Run): SummaryRow[] {
  return r.runs.flatMap((d) => [
    { figure: `846 of ${fmt(X12_ITEMS)} items, peak RSS (${d.label})`, aim: `< ${RSS_AIM_MB} MB`, value: `${fmt(d.ingest846.peakRssMB)} MB`, met: d.ingest846.peakRssMB < RSS_AIM_MB },
    { figure: `855 of ${fmt(X12_LINES)} lines, peak RSS (${d.label})`, aim: `< ${RSS_AIM_MB} MB`, value: `${fmt(d.ingest855.peakRssMB)} MB`, met: d.ingest855.peakRssMB < RSS_AIM_MB },
    { figure: `846 end to end / bare parse + staging + UPDATE … FROM (${d.label})`, aim: `≥ ${BARE_AIM}×`, value: `${(d.bare846.ms / d.ingest846.ms).toFixed(2)}×`, met: d.bare846.ms / d.ingest846.ms >= BARE_AIM },
    { figure: `855 end to end / bare parse + staging + INSERT … SELECT + lines marked (${d.label})`, aim: `≥ ${BARE_AIM}×`, value: `${(d.bare855.ms / d.ingest855.ms).toFixed(2)}×`, met: d.bare855.ms / d.ingest855.ms >= BARE_AIM },
    ...d.smallPool.filter((x) => x.ingest846).map((x) => ({
      figure: `846 of ${fmt(X12_ITEMS)} items, peak RSS with shared_buffers ${x.mb} MB (${d.label})`, aim: `< ${RSS_AIM_MB} MB`,
      value: `${fmt(x.ingest846!.peakRssMB)} MB`, met: x.ingest846!.peakRssMB < RSS_AIM_MB,
    })),
  ])
}

export function sweepSummary(runs: SweepRun[]): SummaryRow[] {
  return runs.flatMap((s) => {
    const perLine = (t: { ms: number; result: { examined: number } }) => t.ms / Math.max(1, t.result.examined)
    const x = perLine(s.small) / perLine(s.full)
    return [
      { figure: `Sweep right after a sweep, ${fmt(s.lines)} lines (PostgreSQL)`, aim: '0 lines examined', value: `${fmt(s.again.result.examined)} lines`, met: s.again.result.examined === 0 },
      { figure: `Full sweep of ${fmt(s.full.result.examined)} dirty lines / a bare UPDATE of the same rows, same run (PostgreSQL)`, aim: '≤ 5×', value: `${(s.full.ms / s.bareMs).toFixed(1)}× (${(s.full.ms / 1000).toFixed(1)} s against ${(s.bareMs / 1000).toFixed(1)} s)`, met: s.full.ms / s.bareMs <= 5 },
      { figure: `Sweep of ${fmt(s.small.result.examined)} changed lines among ${fmt(s.lines)}: ms per line / a full sweep's (PostgreSQL)`, aim: '≤ 2× (cost follows the change)', value: `${x.toFixed(2)}×`, met: x <= 2 },
    ]
  })
}

export function fuzzSummary(r: FuzzRun): SummaryRow[] {
  return [
    { figure: `Parser fuzz cases that escaped a DomainError (${fmt(r.parse.cases)} cases)`, aim: '0', value: fmt(r.parse.failures.length), met: r.parse.failures.length === 0 },
    ...r.db.map((d) => ({
      figure: `Ingest fuzz cases that threw instead of being quarantined (${d.label}, ${fmt(d.run)} of ${fmt(d.cases)} run)`, aim: '0, every case run',
      value: fmt(d.failures.length), met: d.failures.length === 0 && d.run === d.cases,
    })),
  ]
}

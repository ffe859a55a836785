/**
 * How often wismo's stated dates came true (DESIGN.md "Truthful dates"). Pure: a line's stated
 * ETAs in the order they were said, in; its milestones and the report's figures, out.
 */
import { addCalendarDays, calendarDays } from './calendar.ts'
import type { IsoDate } from './types.ts'

export const MILESTONES = ['ordered', 'shipped', 'last'] as const
export type Milestone = (typeof MILESTONES)[number]
export const ACCURACY_BY = ['supplier', 'carrier', 'lane', 'source'] as const
export type AccuracyBy = (typeof ACCURACY_BY)[number]

/** One entry of a line's history: its state, the ETA it stated then, and the day (store's zone). */
export interface StatedRow {
  state: string
  earliest: IsoDate | null
  latest: IsoDate | null
  source: string | null
  /** What a learned ETA was learned from; null for the rules' dates. */
  basis?: string | null
  day: IsoDate
}

export interface Stated {
  earliest: IsoDate
  latest: IsoDate
  source: string | null
  basis?: string | null
}

export interface LineOutcome {
  /** The day it was delivered, in the store's zone (the carrier's delivered scan). */
  delivered: IsoDate
  /** The date stated at each milestone; null when none was stated there. */
  stated: Record<Milestone, Stated | null>
}

export interface DeliveredLine extends LineOutcome {
  keys: Record<Exclude<AccuracyBy, 'source'>, string>
}

export interface AccuracyFigures {
  lines: number
  onTime: number | null
  inWindow: number | null
  medianPaddingDays: number | null
  medianWidthDays: number | null
  lateDaysP90: number | null
}

export type MilestoneFigures = Record<Milestone, AccuracyFigures>

export interface AccuracyReport {
  from: IsoDate
  to: IsoDate
  milestones: MilestoneFigures
  by: { key: string; milestones: MilestoneFigures }[]
}

/** States a line is in once its parcel left the supplier, before delivery. */
const CARRIER_STATES = new Set(['in_transit', 'out_for_delivery', 'exception'])

const asStated = (r: StatedRow | undefined): Stated | null =>
  r && r.latest !== null ? { earliest: r.earliest ?? r.latest, latest: r.latest, source: r.source, ...(r.basis ? { basis: r.basis } : {}) } : null

/**
 * A delivered line's milestones from its history (oldest first): `ordered` is the first
 * statement, `shipped` the first once in transit, `last` the last before the final delivery. A
 * line whose last entry is not `delivered` has no outcome (yet); a delivery undone (an exception
 * after it) counts from the final one. The delivery day is the final delivered entry's date.
 */
export function lineOutcome(rows: readonly StatedRow[]): LineOutcome | null {
  const final = rows[rows.length - 1]
  if (!final || final.state !== 'delivered') return null
  let cut = rows.length - 1
  while (cut > 0 && rows[cut - 1].state === 'delivered') cut--
  const before = rows.slice(0, cut)
  return {
    delivered: final.latest ?? final.day,
    stated: {
      ordered: asStated(before[0]),
      shipped: asStated(before.find((r) => CARRIER_STATES.has(r.state))),
      last: asStated(before[before.length - 1]),
    },
  }
}

/** The median (the mean of the two middle values for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** The nearest-rank percentile (p in 0..1): always a value that occurred; null for none. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  return s[Math.max(0, Math.ceil(p * s.length) - 1)]
}

/** The figures of one milestone over its lines: each line's actual day against its stated window. */
export function accuracyFigures(samples: readonly { actual: IsoDate; earliest: IsoDate; latest: IsoDate }[]): AccuracyFigures {
  const n = samples.length
  const share = (k: number) => (n > 0 ? k / n : null)
  const padding = samples.map((s) => calendarDays(s.actual, s.latest))
  return {
    lines: n,
    onTime: share(samples.filter((s) => s.actual <= s.latest).length),
    inWindow: share(samples.filter((s) => s.earliest <= s.actual && s.actual <= s.latest).length),
    medianPaddingDays: median(padding),
    medianWidthDays: median(samples.map((s) => calendarDays(s.earliest, s.latest) + 1)),
    lateDaysP90: nearestRank(padding.filter((p) => p < 0).map((p) => -p), 0.9),
  }
}

type KeyOf = (line: DeliveredLine, m: Milestone, stated: Stated) => string

function milestoneFigures(lines: readonly DeliveredLine[], keep: (l: DeliveredLine, m: Milestone, s: Stated) => boolean): MilestoneFigures {
  const out = {} as MilestoneFigures
  for (const m of MILESTONES) {
    const samples = []
    for (const l of lines) {
      const s = l.stated[m]
      if (s && keep(l, m, s)) samples.push({ actual: l.delivered, earliest: s.earliest, latest: s.latest })
    }
    out[m] = accuracyFigures(samples)
  }
  return out
}

function keyOf(by: AccuracyBy): KeyOf {
  // A milestone's source is its own: a line can be "promise" when ordered and "carrier" when shipped.
  return by === 'source' ? (_l, _m, s) => s.source ?? 'none' : (l) => l.keys[by]
}

/**
 * `wismo accuracy`: the lines delivered from `from` to `to` (days in the store's zone, both
 * included), per milestone, and per group when `by` is given (groups sorted by key).
 */
export function accuracyReport(lines: readonly DeliveredLine[], period: { from: IsoDate; to: IsoDate }, by: AccuracyBy | null): AccuracyReport {
  const inPeriod = lines.filter((l) => period.from <= l.delivered && l.delivered <= period.to)
  const report: AccuracyReport = { from: period.from, to: period.to, milestones: milestoneFigures(inPeriod, () => true), by: [] }
  if (!by) return report
  const key = keyOf(by)
  const keys = new Set<string>()
  for (const l of inPeriod) for (const m of MILESTONES) { const s = l.stated[m]; if (s) keys.add(key(l, m, s)) }
  report.by = [...keys].sort().map((k) => ({ key: k, milestones: milestoneFigures(inPeriod, (l, m, s) => key(l, m, s) === k) }))
  return report
}

/** A postal code's first 3 characters, in capitals without blanks; "?" when none is known. */
function postalPrefix(code: string | null): string {
  const compact = (code ?? '').toUpperCase().replace(/\s+/g, '')
  return compact === '' ? '?' : compact.slice(0, 3)
}

/** A lane: ship-from → ship-to, each its country and postal prefix (`US 941 → US 100`). */
export function laneKey(from: { postalCode: string | null; country: string }, to: { postalCode: string | null; country: string }): string {
  return `${from.country} ${postalPrefix(from.postalCode)} → ${to.country} ${postalPrefix(to.postalCode)}`
}

/**
 * The last `weeks` weeks (Monday to Sunday, the store's days) up to `today`, oldest first; the
 * current week ends today. The dashboard's chart reports each like `wismo accuracy --from --to`.
 */
export function weeksBack(today: IsoDate, weeks: number): { from: IsoDate; to: IsoDate }[] {
  // 2024-01-01 was a Monday.
  const monday = addCalendarDays(today, -(((calendarDays('2024-01-01', today) % 7) + 7) % 7))
  return Array.from({ length: weeks }, (_, i) => {
    const from = addCalendarDays(monday, 7 * (i - weeks + 1))
    const sunday = addCalendarDays(from, 6)
    return { from, to: sunday < today ? sunday : today }
  })
}

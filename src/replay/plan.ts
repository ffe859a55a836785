/**
 * The order `wismo replay` plays a manifest in: every arrival at its `at` (equal times keep the
 * manifest's order), and a sweep at every `--sweep-every` boundary from the first arrival to the
 * first boundary at or after the last one. A sweep at the same instant as an arrival runs after
 * it, as a running wismo would sweep a file it has just taken in. Pure: same input, same plan.
 */
import { DateTime } from 'luxon'
import { addCalendarDays, localDay, startOfLocalDay } from '../domain/calendar.ts'
import type { Arrival } from './manifest.ts'

export type ReplayStep = { kind: 'arrival'; at: Date; arrival: Arrival } | { kind: 'sweep'; at: Date }

const MINUTE = 60_000
const DAY = 86_400_000
const UNITS: Record<string, number> = { m: MINUTE, h: 60 * MINUTE, d: DAY }

/** `30m`, `6h`, `1d` (a whole number and a unit: m, h or d) in milliseconds; null when not one. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,6})\s*([mhd])$/.exec(text.trim())
  if (!m || Number(m[1]) === 0) return null
  return Number(m[1]) * UNITS[m[2]]
}

/**
 * Sweep boundaries from `first` to the first one at or after `last`. An interval that divides a
 * day is counted from each of the store's midnights (6h: 00:00, 06:00, 12:00, 18:00 local, also
 * across a DST change); any other from the midnight of the first arrival's day.
 */
export function sweepTimes(first: Date, last: Date, everyMs: number, zone: string): Date[] {
  const out: Date[] = []
  const keep = (t: number) => t >= first.getTime() && (out.length === 0 || out.at(-1)!.getTime() < last.getTime())
  if (DAY % everyMs === 0) {
    for (let day = localDay(first, zone); out.length === 0 || out.at(-1)!.getTime() < last.getTime(); day = addCalendarDays(day, 1)) {
      // Wall-clock hours of that day: a DST change keeps 06:00 at 06:00 (a repeated hour counts once).
      const midnight = DateTime.fromISO(day, { zone })
      for (let mins = 0; mins < 1440; mins += everyMs / MINUTE) {
        const t = midnight.set({ hour: Math.floor(mins / 60), minute: mins % 60 }).toMillis()
        if ((out.length === 0 || t > out.at(-1)!.getTime()) && keep(t)) out.push(new Date(t))
      }
    }
    return out
  }
  for (let t = startOfLocalDay(localDay(first, zone), zone).getTime(); out.length === 0 || out.at(-1)!.getTime() < last.getTime(); t += everyMs) {
    if (keep(t)) out.push(new Date(t))
  }
  return out
}

/** Arrivals in time order (stable) with the sweeps between them; empty for no arrivals. */
export function planReplay(arrivals: Arrival[], everyMs: number, zone: string): ReplayStep[] {
  if (arrivals.length === 0) return []
  const sorted = arrivals.map((a, i) => ({ a, i })).sort((x, y) => x.a.at.getTime() - y.a.at.getTime() || x.i - y.i).map((x) => x.a)
  const sweeps = sweepTimes(sorted[0].at, sorted.at(-1)!.at, everyMs, zone)
  const steps: ReplayStep[] = []
  let s = 0
  for (const a of sorted) {
    while (s < sweeps.length && sweeps[s] < a.at) steps.push({ kind: 'sweep', at: sweeps[s++] })
    steps.push({ kind: 'arrival', at: a.at, arrival: a })
  }
  while (s < sweeps.length) steps.push({ kind: 'sweep', at: sweeps[s++] })
  return steps
}

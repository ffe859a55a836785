/**
 * Weighted histograms of whole numbers (days) and distributions over calendar days: the
 * arithmetic the learned estimates are made of. Pure; every function returns new values.
 */
import type { IsoDate } from '../types.ts'

/** A weighted histogram: distinct whole values, ascending, each with its (recency) weight. */
export interface Hist {
  values: number[]
  weights: number[]
  /** How many observations it holds (raw count, whatever their weights): what a basis says. */
  n: number
}

export const EMPTY_HIST: Hist = { values: [], weights: [], n: 0 }

type Sample = { value: number; weight: number }

/**
 * Samples in one order whatever order they came in (by value, then weight): sums of floating-point
 * weights depend on the order they are added in, and the rows a query returns without a full
 * ORDER BY come in the plan's order — two databases with the same history must learn the same model.
 */
const canonical = (samples: readonly Sample[]): Sample[] => [...samples].sort((a, b) => a.value - b.value || a.weight - b.weight)

/** The histogram of weighted whole-number samples (non-finite values and weights ≤ 0 left out). */
export function histOf(samples: readonly Sample[]): Hist {
  const by = new Map<number, number>()
  let n = 0
  for (const s of canonical(samples.filter((x) => Number.isFinite(x.value) && x.weight > 0).map((x) => ({ value: Math.round(x.value), weight: x.weight })))) {
    by.set(s.value, (by.get(s.value) ?? 0) + s.weight)
    n++
  }
  const values = [...by.keys()].sort((a, b) => a - b)
  return { values, weights: values.map((v) => by.get(v) as number), n }
}

/**
 * The histogram of durations when some have not ended yet (Kaplan–Meier, weighted): `ended` are
 * finished durations, `open` are at least as long as their value so far. Leaving the open ones
 * out would learn only the short ones: a month-long backorder still under way would be missing
 * from every window. What is still open beyond the last ended duration stays at the longest open
 * value (a lower bound: it has lasted at least that long).
 */
export function survivalHist(ended: readonly Sample[], open: readonly Sample[]): Hist {
  const ok = (s: Sample) => Number.isFinite(s.value) && s.weight > 0
  const e = canonical(ended.filter(ok).map((s) => ({ value: Math.round(s.value), weight: s.weight })))
  const o = canonical(open.filter(ok).map((s) => ({ value: Math.round(s.value), weight: s.weight })))
  if (o.length === 0) return histOf(e)
  const total = [...e, ...o].reduce((a, s) => a + s.weight, 0)
  const times = [...new Set(e.map((s) => s.value))].sort((a, b) => a - b)
  const by = new Map<number, number>()
  let surviving = 1
  for (const t of times) {
    // At risk at t: every duration that reached t (ended at or after it, or open at or after it).
    const atRisk = e.filter((s) => s.value >= t).reduce((a, s) => a + s.weight, 0) + o.filter((s) => s.value >= t).reduce((a, s) => a + s.weight, 0)
    const ending = e.filter((s) => s.value === t).reduce((a, s) => a + s.weight, 0)
    const share = atRisk > 0 ? ending / atRisk : 0
    by.set(t, surviving * share * total)
    surviving *= 1 - share
  }
  const lastEnded = times.length > 0 ? times[times.length - 1] : -Infinity
  const at = Math.max(lastEnded, ...o.map((s) => s.value))
  if (surviving > 1e-12) by.set(at, (by.get(at) ?? 0) + surviving * total)
  const values = [...by.keys()].filter((v) => (by.get(v) as number) > 0).sort((a, b) => a - b)
  return { values, weights: values.map((v) => by.get(v) as number), n: e.length + o.length }
}

export const totalWeight = (h: Hist): number => h.weights.reduce((a, b) => a + b, 0)

/**
 * A thin histogram borrowing from a wider one it belongs to: the narrow group's own weight plus
 * `strength` observations' worth of the wider group's shape. With no narrow data it is the wider
 * shape; with much, it is its own.
 */
export function shrinkToward(narrow: Hist, wide: Hist, strength: number): Hist {
  const wideTotal = totalWeight(wide)
  if (wideTotal <= 0) return narrow
  const by = new Map<number, number>()
  narrow.values.forEach((v, i) => by.set(v, narrow.weights[i]))
  wide.values.forEach((v, i) => by.set(v, (by.get(v) ?? 0) + (strength * wide.weights[i]) / wideTotal))
  const values = [...by.keys()].sort((a, b) => a - b)
  return { values, weights: values.map((v) => by.get(v) as number), n: narrow.n }
}

/** A distribution over calendar days: days ascending, probabilities summing to 1. */
export interface DayDist {
  days: IsoDate[]
  p: number[]
}

/** Each value of the histogram placed on a day by `place`, merged and normalised. */
export function placeHist(h: Hist, place: (value: number) => IsoDate): DayDist {
  const by = new Map<IsoDate, number>()
  h.values.forEach((v, i) => {
    const day = place(v)
    by.set(day, (by.get(day) ?? 0) + h.weights[i])
  })
  return normalise(by)
}

function normalise(by: Map<IsoDate, number>): DayDist {
  const days = [...by.keys()].sort()
  const total = days.reduce((a, d) => a + (by.get(d) as number), 0)
  return { days, p: days.map((d) => (by.get(d) as number) / (total || 1)) }
}

/**
 * The distribution given that nothing happened before `day` (what has not shipped by today ships
 * today or later), with the share of the mass that was left: a small share says the history no
 * longer describes this case.
 */
export function fromDay(dist: DayDist, day: IsoDate): { dist: DayDist; kept: number } {
  const by = new Map<IsoDate, number>()
  let kept = 0
  dist.days.forEach((d, i) => {
    if (d < day) return
    by.set(d, dist.p[i])
    kept += dist.p[i]
  })
  return { dist: normalise(by), kept }
}

/** Each day of `dist` moved by every value of `h` (through `step`), weighted: a sum of independent delays. */
export function spread(dist: DayDist, h: Hist, step: (day: IsoDate, value: number) => IsoDate): DayDist {
  const total = totalWeight(h)
  const by = new Map<IsoDate, number>()
  dist.days.forEach((d, i) => {
    h.values.forEach((v, j) => {
      const to = step(d, v)
      by.set(to, (by.get(to) ?? 0) + (dist.p[i] * h.weights[j]) / total)
    })
  })
  return normalise(by)
}

/**
 * The shortest run of days holding at least `level` of the mass (ties: the most mass, then the
 * earliest): the narrowest window that keeps the promise as often as asked.
 */
export function shortestWindow(dist: DayDist, level: number, daysBetween: (a: IsoDate, b: IsoDate) => number): { earliest: IsoDate; latest: IsoDate; mass: number } | null {
  const n = dist.days.length
  if (n === 0) return null
  const want = Math.min(level, 1) - 1e-9
  let best: { i: number; j: number; width: number; mass: number } | null = null
  let j = -1
  let mass = 0
  for (let i = 0; i < n; i++) {
    while (mass < want && j < n - 1) mass += dist.p[++j]
    if (mass < want) break
    const width = daysBetween(dist.days[i], dist.days[j])
    if (!best || width < best.width || (width === best.width && mass > best.mass + 1e-12)) best = { i, j, width, mass }
    mass -= dist.p[i]
  }
  if (!best) return { earliest: dist.days[0], latest: dist.days[n - 1], mass: 1 }
  return { earliest: dist.days[best.i], latest: dist.days[best.j], mass: best.mass }
}

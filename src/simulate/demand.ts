/**
 * How many orders arrive each day and what they hold: a weekly pattern (busiest Monday, quiet
 * weekend) and the Nov–Dec peak (up to ~2.5× in the first weeks of December), a Poisson count
 * around that; one to three lines, popular items more often.
 */
import type { IsoDate } from '../domain/types.ts'
import type { Rng } from '../demo/random.ts'
import { weekday } from './sim-calendar.ts'

/** Sunday … Saturday, relative to an average weekday (Mon–Fri average 1). */
const WEEKLY = [0.75, 1.1, 1.05, 1.0, 0.95, 0.9, 0.6]

/** The season's factor on a day's orders. */
export function seasonFactor(day: IsoDate): number {
  const month = Number(day.slice(5, 7))
  const date = Number(day.slice(8, 10))
  if (month === 11) return date < 20 ? 1.3 : 2.2
  if (month === 12) return date <= 18 ? 2.5 : date <= 24 ? 1.6 : 0.9
  if (month === 1) return 0.85
  return 1
}

export function expectedOrders(day: IsoDate, perWeekday: number): number {
  return perWeekday * WEEKLY[weekday(day)] * seasonFactor(day)
}

/** A Poisson draw (Knuth for small means, a rounded normal for large ones). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0
  if (mean > 60) {
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z))
  }
  const limit = Math.exp(-mean)
  let k = 0
  for (let p = rng.next(); p > limit; p *= rng.next()) k++
  return k
}

/** Sorted hours of the day (07:00–23:00) orders were placed, more in the afternoon and evening. */
export function placedHours(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => {
    const h = 7 + 16 * Math.sqrt(rng.next()) * (0.6 + 0.4 * rng.next())
    return Math.min(22.99, Math.max(7, h))
  }).sort((a, b) => a - b)
}

/** One to three lines (70 / 22 / 8 %). */
export function lineCount(rng: Rng): number {
  const r = rng.next()
  return r < 0.7 ? 1 : r < 0.92 ? 2 : 3
}

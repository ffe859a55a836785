/** The dashboard's small tables: labels down the side, one series per column; days are the store's. */
import { addCalendarDays, localDay, startOfLocalDay } from '../domain/calendar.ts'

export interface ChartTable {
  labels: string[]
  series: { name: string; values: number[] }[]
}

/** Pivots (label, series, value) rows into a table; missing cells are 0. */
export function pivot(labels: string[], rows: { label: string; series: string; value: number }[], seriesOrder?: string[]): ChartTable {
  const names = seriesOrder ?? [...new Set(rows.map((r) => r.series))].sort()
  const at = new Map<string, number>()
  for (const r of rows) at.set(`${r.label}\u0000${r.series}`, (at.get(`${r.label}\u0000${r.series}`) ?? 0) + r.value)
  return { labels, series: names.map((name) => ({ name, values: labels.map((l) => at.get(`${l}\u0000${name}`) ?? 0) })) }
}

/** The last `days` days in the store's zone, today last, and the instant the first one began. */
export function localDaysBack(now: Date, timeZone: string, days: number): { labels: string[]; from: Date } {
  const today = localDay(now, timeZone)
  const labels = Array.from({ length: days }, (_, i) => addCalendarDays(today, i - days + 1))
  return { labels, from: startOfLocalDay(labels[0], timeZone) }
}

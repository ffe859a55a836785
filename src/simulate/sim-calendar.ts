/**
 * The simulated world's calendar: US public holidays (the `date-holidays` package, type
 * `public`, substitute days included), supplier workdays (Mon–Fri but holidays) and carrier
 * delivery days (never Sunday nor a holiday; Saturday only for the services that deliver then).
 * Days are `YYYY-MM-DD` in the store's zone; times of day are placed in that zone too.
 */
import Holidays from 'date-holidays'
import { DateTime } from 'luxon'
import { addCalendarDays } from '../domain/calendar.ts'
import type { IsoDate } from '../domain/types.ts'

export interface SimCalendar {
  zone: string
  holidays: ReadonlySet<IsoDate>
}

/** The US public holidays of the years the simulation touches (and the one after, for late deliveries). */
export function usHolidays(fromYear: number, toYear: number): Set<IsoDate> {
  const hd = new Holidays('US')
  const out = new Set<IsoDate>()
  for (let y = fromYear; y <= toYear + 1; y++) {
    for (const h of hd.getHolidays(y)) if (h.type === 'public') out.add(h.date.slice(0, 10))
  }
  return out
}

export function makeCalendar(start: IsoDate, end: IsoDate, zone: string): SimCalendar {
  return { zone, holidays: usHolidays(Number(start.slice(0, 4)), Number(end.slice(0, 4))) }
}

/** 0 Sunday … 6 Saturday. */
export const weekday = (day: IsoDate): number => new Date(`${day}T00:00:00Z`).getUTCDay()

/** A day suppliers work and carriers pick up: Monday to Friday, not a holiday. */
export function isWorkday(day: IsoDate, cal: SimCalendar): boolean {
  const w = weekday(day)
  return w !== 0 && w !== 6 && !cal.holidays.has(day)
}

/** A day a carrier service delivers: never Sunday or a holiday, Saturday only when `saturday`. */
export function isDeliveryDay(day: IsoDate, cal: SimCalendar, saturday: boolean): boolean {
  const w = weekday(day)
  if (w === 0 || cal.holidays.has(day)) return false
  return w !== 6 || saturday
}

/** The first workday on or after `day`. */
export function workdayOnOrAfter(day: IsoDate, cal: SimCalendar): IsoDate {
  let d = day
  while (!isWorkday(d, cal)) d = addCalendarDays(d, 1)
  return d
}

/** `n` workdays after `day` (n ≥ 0; 0 is `day` itself when it is a workday, else the next one). */
export function addWorkdays(day: IsoDate, n: number, cal: SimCalendar): IsoDate {
  let d = workdayOnOrAfter(day, cal)
  if (d !== day && n > 0) n--
  for (let i = 0; i < n; i++) d = workdayOnOrAfter(addCalendarDays(d, 1), cal)
  return d
}

/** `n` delivery days after `day` (n ≥ 1). */
export function addDeliveryDays(day: IsoDate, n: number, cal: SimCalendar, saturday: boolean): IsoDate {
  let d = day
  for (let i = 0; i < n; i++) {
    d = addCalendarDays(d, 1)
    while (!isDeliveryDay(d, cal, saturday)) d = addCalendarDays(d, 1)
  }
  return d
}

// Zone arithmetic is most of a year's cost: each (zone, day, hour) is asked of luxon once.
const hourStarts = new Map<string, number>()

/** The instant `day` at wall-clock `hours` (fractional; 24 is the next midnight) in `zone`, in whole seconds. */
export function atHour(day: IsoDate, hours: number, zone: string): Date {
  const secs = Math.round(hours * 3600)
  const d = secs >= 86_400 ? addCalendarDays(day, Math.floor(secs / 86_400)) : day
  const s = secs % 86_400
  const hour = Math.floor(s / 3600)
  const key = `${zone}|${d}|${hour}`
  let start = hourStarts.get(key)
  if (start === undefined) {
    start = DateTime.fromISO(d, { zone }).set({ hour }).toMillis()
    if (hourStarts.size > 100_000) hourStarts.clear()
    hourStarts.set(key, start)
  }
  return new Date(start + (s % 3600) * 1000)
}

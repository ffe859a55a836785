/**
 * Business hours: the working hours of the store's business days, in its zone. A task opened on
 * Friday at 16:00 is 2 business hours old on Monday at 10:00, not 66 hours — the age a rep (and
 * a helpdesk's SLA) counts. Pure; the calendar says which days are business days.
 */
import { DateTime } from 'luxon'
import { addCalendarDays, DEFAULT_TIME_ZONE, isBusinessDay, localDay } from './calendar.ts'
import type { CalendarConfig, IsoDate } from './types.ts'
import { DomainError } from './errors.ts'

/** Local hours of the working day, e.g. 9 to 18 (fractions for half hours); start < end ≤ 24. */
export interface WorkingHours {
  start: number
  end: number
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { start: 9, end: 18 }

/** How far back a walk goes at most (a task open for ten years is simply "very old"). */
const MAX_DAYS = 3660
const HOUR_MS = 3_600_000

/** Reads `9-18` or `09:00-17:30`; a DomainError naming the problem otherwise. */
export function parseWorkingHours(text: string): WorkingHours {
  const m = /^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$/.exec(text)
  const hours = (h: string, min: string | undefined) => Number(h) + (min ? Number(min) / 60 : 0)
  const wh = m ? { start: hours(m[1], m[2]), end: hours(m[3], m[4]) } : null
  if (!wh || !(wh.start >= 0 && wh.start < wh.end && wh.end <= 24) || [m![2], m![4]].some((x) => x !== undefined && Number(x) >= 60)) {
    throw new DomainError('CONFIG_INVALID', `working hours "${text}": expected start-end in the store's local time, like 9-18 or 08:30-17:00`)
  }
  return wh
}

/** The working window of a business day as instants (DST-aware); null on a weekend or holiday. */
function windowOf(day: IsoDate, cal: CalendarConfig, wh: WorkingHours): [number, number] | null {
  if (!isBusinessDay(day, cal)) return null
  const start = DateTime.fromISO(day, { zone: cal.timeZone ?? DEFAULT_TIME_ZONE }).startOf('day')
  return [start.plus({ minutes: Math.round(wh.start * 60) }).toMillis(), start.plus({ minutes: Math.round(wh.end * 60) }).toMillis()]
}

/** Business hours from `from` to `to` (0 when `to` is not after `from`). */
export function businessHoursBetween(from: Date, to: Date, cal: CalendarConfig, wh: WorkingHours = DEFAULT_WORKING_HOURS): number {
  const a = from.getTime()
  const b = to.getTime()
  if (!(b > a)) return 0
  let day = localDay(from, cal)
  const last = localDay(to, cal)
  let ms = 0
  for (let i = 0; day <= last && i < MAX_DAYS; i++, day = addCalendarDays(day, 1)) {
    const w = windowOf(day, cal, wh)
    if (w) ms += Math.max(0, Math.min(b, w[1]) - Math.max(a, w[0]))
  }
  return ms / HOUR_MS
}

/** The latest instant that is `hours` business hours before `to` (tasks opened at or before it are at least that old). */
export function businessHoursBefore(to: Date, hours: number, cal: CalendarConfig, wh: WorkingHours = DEFAULT_WORKING_HOURS): Date {
  let left = Math.max(0, hours) * HOUR_MS
  const b = to.getTime()
  let day = localDay(to, cal)
  for (let i = 0; i < MAX_DAYS; i++, day = addCalendarDays(day, -1)) {
    const w = windowOf(day, cal, wh)
    if (!w || w[0] >= b) continue
    const end = Math.min(b, w[1])
    if (left === 0) return new Date(end)
    if (end - w[0] >= left) return new Date(end - left)
    left -= end - w[0]
  }
  return new Date(b - MAX_DAYS * 24 * HOUR_MS)
}

/** An age for people: "35 min", "5 h", "2 d 3 h" — d being working days of these hours. */
export function businessAgeWords(hours: number, wh: WorkingHours = DEFAULT_WORKING_HOURS): string {
  if (hours < 1) return `${Math.floor(hours * 60)} min`
  const perDay = wh.end - wh.start
  const days = Math.floor(hours / perDay)
  const rest = Math.floor(hours - days * perDay)
  if (days === 0) return `${rest} h`
  return rest === 0 ? `${days} d` : `${days} d ${rest} h`
}

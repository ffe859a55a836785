/**
 * How long a supplier has been silent, in business time: the hours of the store's business days
 * (its time zone, weekends and holidays per the calendar) since its last feed. A supplier that
 * sends a feed every business day and sent one on Friday afternoon is not "three days silent" on
 * Monday morning: the weekend does not count, for the supplier board or the daily check.
 */
import { addCalendarDays, isBusinessDay, localDay, startOfLocalDay } from './calendar.ts'
import type { CalendarConfig } from './types.ts'

const HOUR_MS = 3_600_000
/** Farther back than any cadence reaches, even over long holidays. */
const MAX_DAYS_BACK = 400

/** Hours of business days between two instants (0 when `to` is not after `from`). */
export function businessHoursBetween(from: Date, to: Date, cal: CalendarConfig): number {
  if (to.getTime() <= from.getTime()) return 0
  let ms = 0
  for (let day = localDay(from, cal), last = localDay(to, cal); day <= last; day = addCalendarDays(day, 1)) {
    if (!isBusinessDay(day, cal)) continue
    // Real instants of the local day's start and end: a day with a clock change has 23 or 25 hours.
    const start = Math.max(startOfLocalDay(day, cal).getTime(), from.getTime())
    const end = Math.min(startOfLocalDay(addCalendarDays(day, 1), cal).getTime(), to.getTime())
    if (end > start) ms += end - start
  }
  return ms / HOUR_MS
}

/** The latest instant with `hours` business hours between it and `now` (walking back over closed days). */
export function businessWindowStart(now: Date, hours: number, cal: CalendarConfig): Date {
  let remaining = hours * HOUR_MS
  let end = now.getTime()
  let day = localDay(now, cal)
  for (let i = 0; i < MAX_DAYS_BACK; i++, day = addCalendarDays(day, -1)) {
    const start = startOfLocalDay(day, cal).getTime()
    if (isBusinessDay(day, cal)) {
      if (end - start >= remaining) return new Date(end - remaining)
      remaining -= end - start
    }
    end = start
  }
  return new Date(end)
}

export interface SilenceInput {
  /** The supplier's last feed that was taken in (null: it never sent one). */
  lastFeedAt: Date | null
  /** When its oldest open line was ordered (null: it has no open lines). */
  oldestOpenPlacedAt: Date | null
  /** It is expected to send a feed within this many business hours (24: every business day). */
  cadenceHours: number
}

export interface Silence {
  /** Business hours since the last feed (null: never sent one). */
  businessHours: number | null
  /** Nothing within its cadence of business time, and it has a line older than that to answer for. */
  silent: boolean
}

/** Whether a supplier is silent at `now`, and for how long in business hours. */
export function supplierSilence(s: SilenceInput, now: Date, cal: CalendarConfig): Silence {
  const cadence = Math.max(1, s.cadenceHours)
  const businessHours = s.lastFeedAt ? businessHoursBetween(s.lastFeedAt, now, cal) : null
  if (!s.oldestOpenPlacedAt) return { businessHours, silent: false }
  const windowStart = businessWindowStart(now, cadence, cal).getTime()
  const owes = s.oldestOpenPlacedAt.getTime() <= windowStart
  const heard = s.lastFeedAt !== null && s.lastFeedAt.getTime() > windowStart
  return { businessHours, silent: owes && !heard }
}

/** "19 business hours", "2.5 business days", "never sent a feed". */
export function describeSilence(businessHours: number | null): string {
  if (businessHours === null) return 'never sent a feed'
  if (businessHours < 48) {
    const h = Math.round(businessHours)
    return `${h} business hour${h === 1 ? '' : 's'}`
  }
  const days = Math.round((businessHours / 24) * 10) / 10
  return `${days} business days`
}

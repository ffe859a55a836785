/**
 * How far one day is from another, as the estimates count it: business days, then the calendar
 * days past the last of them. A parcel handed over on Thursday and delivered on Saturday is one
 * business day (Friday) plus one day; counting business days alone would put every Saturday
 * delivery on the Friday before, and windows would end a day early.
 *
 * An offset is one whole number, `4 × business days + days after` (days after 0–3), so offsets
 * sort in time order and make a plain histogram.
 */
import { addBusinessDays, addCalendarDays, businessDaysBetween, calendarDays, isBusinessDay, nextBusinessDay } from '../calendar.ts'
import type { CalendarConfig, IsoDate } from '../types.ts'

const PER_DAY = 4

const rollForward = (day: IsoDate, cal: CalendarConfig): IsoDate => (isBusinessDay(day, cal) ? day : nextBusinessDay(day, cal))

/** The offset of `to` from `from` (0 when `to` is not after the first business day from `from`). */
export function encodeOffset(from: IsoDate, to: IsoDate, cal: CalendarConfig): number {
  const start = rollForward(from, cal)
  if (to <= start) return 0
  const k = businessDaysBetween(start, to, cal)
  const base = addBusinessDays(start, k, cal)
  const after = Math.min(PER_DAY - 1, Math.max(0, calendarDays(base, to)))
  return PER_DAY * k + after
}

// A window spreads every ship day by every transit offset, for every line a sweep derives: the few
// thousand (day, offset) pairs in play are worked out once per calendar.
const MEMO_LIMIT = 50_000
const placed = new WeakMap<CalendarConfig, Map<string, IsoDate>>()

/** The day an offset from `from` falls on (the inverse of encodeOffset on the days it produces). */
export function placeOffset(from: IsoDate, offset: number, cal: CalendarConfig): IsoDate {
  const v = Math.max(0, Math.round(offset))
  let memo = placed.get(cal)
  if (!memo) placed.set(cal, (memo = new Map()))
  const key = `${from}+${v}`
  const known = memo.get(key)
  if (known !== undefined) return known
  const k = Math.floor(v / PER_DAY)
  const day = addCalendarDays(addBusinessDays(from, k, cal), v % PER_DAY)
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.set(key, day)
  return day
}

/**
 * Business-day arithmetic on `YYYY-MM-DD` strings, and the day an instant falls on in the
 * store's time zone (`CalendarConfig.timeZone`, an IANA name). Pure: day arithmetic treats
 * every day as a UTC calendar day (Date.UTC), so the host's zone and DST never shift a date;
 * only `localDay` / `startOfLocalDay` look at a zone, and it is always passed in.
 */
import { DateTime, IANAZone } from 'luxon'
import { DomainError } from './errors.ts'
import { serviceLevel } from './service-level.ts'
import type { CalendarConfig, IsoDate } from './types.ts'

const DAY_MS = 86_400_000
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** The store's zone when none is configured (DESIGN.md "The store's own details"). */
export const DEFAULT_TIME_ZONE = 'America/New_York'

/** No holidays (the country's are added from config, src/status/calendar-config.ts); the default zone; transit days per service level (lower-case keys), `default` when unknown. */
export const DEFAULT_CALENDAR: CalendarConfig = {
  holidays: [],
  timeZone: DEFAULT_TIME_ZONE,
  transitDays: {
    default: { min: 2, max: 5 },
    ground: { min: 1, max: 5 },
    '2day': { min: 2, max: 2 },
    '3day': { min: 3, max: 3 },
    next_day: { min: 1, max: 1 },
    overnight: { min: 1, max: 1 },
    priority_express: { min: 1, max: 2 },
    priority: { min: 1, max: 3 },
    mail: { min: 2, max: 5 },
    economy: { min: 2, max: 7 },
    freight: { min: 3, max: 7 },
    ltl: { min: 3, max: 7 },
  },
}

// Day arithmetic runs in the sweep's inner loops (every candidate's arrival, every business-day
// step): the few hundred distinct days in play are converted once, not on every step.
const MEMO_LIMIT = 20_000
const msOfDay = new Map<string, number>()
const dayOfMs = new Map<number, IsoDate>()
const remember = <K, V>(m: Map<K, V>, k: K, v: V): V => ((m.size >= MEMO_LIMIT ? m.clear() : undefined), m.set(k, v), v)

/** Milliseconds at UTC midnight of an ISO day; throws on anything that is not a real day. */
function toUtcMs(day: IsoDate): number {
  const known = msOfDay.get(day)
  if (known !== undefined) return known
  const m = ISO_DAY.exec(day)
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN
  // Date.UTC rolls 2024-02-30 over to March; round-tripping catches it.
  if (Number.isNaN(ms) || fromUtcMs(ms) !== day) {
    throw new DomainError('CALENDAR_DATE_INVALID', `"${day}" is not a date in the form YYYY-MM-DD`)
  }
  return remember(msOfDay, day, ms)
}

function fromUtcMs(ms: number): IsoDate {
  return dayOfMs.get(ms) ?? remember(dayOfMs, ms, new Date(ms).toISOString().slice(0, 10))
}

/** True for an IANA zone name luxon (and so Intl) knows, e.g. `America/New_York`, `UTC`. */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.trim() === '') return false
  // Asking Intl builds a formatter each time (luxon does not cache the answer): a sweep asks
  // this for every date it formats, so each name's answer is kept.
  let valid = zoneValidity.get(zone)
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone)
    if (zoneValidity.size < 1000) zoneValidity.set(zone, valid)
  }
  return valid
}
const zoneValidity = new Map<string, boolean>()

function zoneOf(zone: CalendarConfig | string): string {
  const name = typeof zone === 'string' ? zone : zone.timeZone ?? DEFAULT_TIME_ZONE
  if (!isValidTimeZone(name)) throw new DomainError('CALENDAR_ZONE_INVALID', `"${name}" is not an IANA time zone (like America/New_York)`)
  return name
}

// Since the 1970s every zone's offset is a whole number of quarter hours, so a local midnight
// always falls on a quarter hour of UTC: every instant of one UTC quarter hour is on one local
// day. Asking luxon (Intl) once per quarter hour per zone keeps the sweep's day checks cheap.
const QUARTER_HOUR_MS = 900_000
const MEMO_FROM_MS = Date.UTC(1980, 0, 1)
const dayOfQuarter = new Map<string, IsoDate>()
const startOfDay = new Map<string, number>()

/**
 * The calendar day an instant falls on in the store's zone (22:00 in New York is still that day):
 * THE way to turn an instant into a day. Every "today", deadline, refund due date and promise
 * is one; there is deliberately no UTC-day helper (a sweep at 20:30 in New York is not tomorrow).
 */
export function localDay(instant: Date, zone: CalendarConfig | string): IsoDate {
  const name = zoneOf(zone)
  const ms = instant.getTime()
  if (!(ms >= MEMO_FROM_MS)) return DateTime.fromJSDate(instant, { zone: name }).toISODate() as IsoDate
  const key = `${name}\u0000${Math.floor(ms / QUARTER_HOUR_MS)}`
  return dayOfQuarter.get(key) ?? remember(dayOfQuarter, key, DateTime.fromJSDate(instant, { zone: name }).toISODate() as IsoDate)
}

/** The instant a day begins in the store's zone (midnight there; DST-aware). */
export function startOfLocalDay(day: IsoDate, zone: CalendarConfig | string): Date {
  toUtcMs(day) // refuses anything that is not a real day
  const name = zoneOf(zone)
  const key = `${name}\u0000${day}`
  const ms = startOfDay.get(key) ?? remember(startOfDay, key, DateTime.fromISO(day, { zone: name }).startOf('day').toMillis())
  return new Date(ms)
}

/** The day `n` calendar days after `day` (n may be negative). */
export function addCalendarDays(day: IsoDate, n: number): IsoDate {
  return fromUtcMs(toUtcMs(day) + Math.round(n) * DAY_MS)
}

/** Calendar days from `a` to `b` (negative when b is before a). */
export function calendarDays(a: IsoDate, b: IsoDate): number {
  return Math.round((toUtcMs(b) - toUtcMs(a)) / DAY_MS)
}

// A calendar carries ~80 holidays (the country's for seven years, and configured ones) and the
// sweep asks about days in its inner loops: each holidays array is turned into a Set once.
// Keyed by the array itself, so a calendar built with other holidays gets its own.
const holidaySets = new WeakMap<readonly IsoDate[], ReadonlySet<IsoDate>>()
function holidaySet(holidays: readonly IsoDate[]): ReadonlySet<IsoDate> {
  let set = holidaySets.get(holidays)
  if (!set) holidaySets.set(holidays, (set = new Set(holidays)))
  return set
}

/** True unless the day is a Saturday, a Sunday or one of the calendar's holidays. */
export function isBusinessDay(day: IsoDate, cal: CalendarConfig): boolean {
  // 1970-01-01 was a Thursday (4).
  const weekday = (((Math.floor(toUtcMs(day) / DAY_MS) + 4) % 7) + 7) % 7
  return weekday !== 0 && weekday !== 6 && !holidaySet(cal.holidays).has(day)
}

/** The first business day strictly after `day`. */
export function nextBusinessDay(day: IsoDate, cal: CalendarConfig): IsoDate {
  let d = addCalendarDays(day, 1)
  while (!isBusinessDay(d, cal)) d = addCalendarDays(d, 1)
  return d
}

/**
 * `n` business days after `day`. Work cannot start on a weekend or holiday, so a non-business
 * `day` first rolls forward to the next business day (adding 0 to a Saturday gives Monday,
 * adding 1 gives Tuesday); this keeps the result strictly increasing in `n`.
 */
export function addBusinessDays(day: IsoDate, n: number, cal: CalendarConfig): IsoDate {
  if (!Number.isInteger(n) || n < 0) {
    throw new DomainError('CALENDAR_DAYS_INVALID', `business days to add must be a whole number ≥ 0, got ${n}`)
  }
  let d = isBusinessDay(day, cal) ? day : nextBusinessDay(day, cal)
  for (let i = 0; i < n; i++) d = nextBusinessDay(d, cal)
  return d
}

/**
 * Business days in the half-open range (a, b]: 0 when equal, negative when b is before a.
 * So `businessDaysBetween(d, addBusinessDays(d, n))` is n for any business day d.
 */
export function businessDaysBetween(a: IsoDate, b: IsoDate, cal: CalendarConfig): number {
  if (b < a) return -businessDaysBetween(b, a, cal)
  let count = 0
  for (let d = addCalendarDays(a, 1); d <= b; d = addCalendarDays(d, 1)) {
    if (isBusinessDay(d, cal)) count++
  }
  return count
}

/**
 * Transit business days for a carrier service: an entry named exactly as the service (any
 * case), else the entry of its service level (`UPS GROUND` → ground, see service-level.ts),
 * else `default`.
 */
export function transitFor(service: string | null, cal: CalendarConfig, carrier: string | null = null): { min: number; max: number } {
  const key = service?.trim().toLowerCase()
  // hasOwn: a service named "constructor" must not find Object.prototype's.
  if (key && Object.hasOwn(cal.transitDays, key)) return cal.transitDays[key]
  const level = serviceLevel(carrier, service)
  const found = Object.hasOwn(cal.transitDays, level) ? cal.transitDays[level] : cal.transitDays.default
  return found ?? DEFAULT_CALENDAR.transitDays.default
}

import type { Queryable } from '../store/db.ts'
import type { Config } from '../config.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { DEFAULT_CALENDAR } from '../domain/calendar.ts'
import { holidayYears, publicHolidays } from '../util/country-holidays.ts'

// Holidays change a few times a year; reading them on every status lookup is waste. A minute's
// staleness is fine (measured on a monotonic timer: this is cache housekeeping, not business time).
const CACHE_MS = 60_000
const cache = new WeakMap<Queryable, { at: number; days: Promise<{ day: string }[]> }>()

function holidayRows(db: Queryable): Promise<{ day: string }[]> {
  const hit = cache.get(db)
  if (hit && performance.now() - hit.at < CACHE_MS) return hit.days
  const days = db.query<{ day: string }>('SELECT day FROM holidays ORDER BY day')
  cache.set(db, { at: performance.now(), days })
  days.catch(() => cache.delete(db))
  return days
}

type BaseSource = Pick<Config, 'holidays'> & Partial<Pick<Config, 'timezone'>>
type CountrySource = BaseSource & Partial<Pick<Config, 'countryHolidays'>>

// One calendar object per (rows read, settings, span): lookups and sweeps ask for the calendar
// over and over, and the same object keeps viewKey's fingerprint and isBusinessDay's Set cached.
const built = new WeakMap<object, Map<string, CalendarConfig>>()

/**
 * The business calendar: default transit times, the store's zone, and the holidays: configured
 * (WISMO_HOLIDAYS), the holidays table's, and the public holidays of the store's country
 * (WISMO_COUNTRY, WISMO_HOLIDAY_REGION; none when WISMO_COUNTRY_HOLIDAYS=off) for the years
 * around `around` (src/util/country-holidays.ts: the instant the calendar is used at, or a
 * replay's first and last steps). A config with country holidays must say when (`around`).
 */
export async function calendarFrom(db: Queryable, config: BaseSource & { countryHolidays?: null }): Promise<CalendarConfig>
export async function calendarFrom(db: Queryable, config: CountrySource, around: Date | readonly Date[]): Promise<CalendarConfig>
export async function calendarFrom(db: Queryable, config: CountrySource, around?: Date | readonly Date[]): Promise<CalendarConfig> {
  const rows = await holidayRows(db)
  const source = config.countryHolidays ?? null
  if (source && around === undefined) throw new TypeError('calendarFrom: the country\'s holidays need the instant(s) the calendar is for')
  const years = source ? holidayYears(around!) : null
  const timeZone = config.timezone ?? DEFAULT_CALENDAR.timeZone
  // Every status lookup asks with the same settings object: the calendar it got last time is the
  // answer while the rows, the settings' values and the span are the same (no key to build).
  const last = recent.get(config)
  if (last && last.rows === rows && last.holidays === config.holidays && last.timeZone === timeZone && last.source === source &&
      last.from === (years?.from ?? null) && last.to === (years?.to ?? null)) return last.calendar
  const calendar = buildCalendar(rows, config, source, years, timeZone)
  recent.set(config, { rows, holidays: config.holidays, timeZone, source, from: years?.from ?? null, to: years?.to ?? null, calendar })
  return calendar
}

const recent = new WeakMap<object, {
  rows: { day: string }[]; holidays: readonly string[]; timeZone: string | undefined; source: unknown; from: number | null; to: number | null; calendar: CalendarConfig
}>()

function buildCalendar(rows: { day: string }[], config: CountrySource, source: CountrySource['countryHolidays'] | null,
  years: { from: number; to: number } | null, timeZone: string | undefined): CalendarConfig {
  const key = JSON.stringify([timeZone, config.holidays, source, years])
  let forRows = built.get(rows)
  if (!forRows) built.set(rows, (forRows = new Map()))
  const hit = forRows.get(key)
  if (hit) return hit
  const country = source && years ? publicHolidays(source, years.from, years.to) : []
  const calendar: CalendarConfig = {
    ...DEFAULT_CALENDAR,
    timeZone,
    holidays: [...new Set([...DEFAULT_CALENDAR.holidays, ...config.holidays, ...rows.map((r) => r.day), ...country])].sort(),
  }
  // A long-running process meets a handful of settings and spans; a bound keeps a test run's many configs small.
  if (forRows.size >= 50) forRows.clear()
  forRows.set(key, calendar)
  return calendar
}

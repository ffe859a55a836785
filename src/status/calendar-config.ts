import type { Queryable } from '../store/db.ts'
import type { Config } from '../config.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { DEFAULT_CALENDAR } from '../domain/calendar.ts'

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

/** The business calendar: default transit times, the store's zone, holidays from config and the holidays table. */
export async function calendarFrom(db: Queryable, config: Pick<Config, 'holidays'> & Partial<Pick<Config, 'timezone'>>): Promise<CalendarConfig> {
  const rows = await holidayRows(db)
  return {
    ...DEFAULT_CALENDAR,
    timeZone: config.timezone ?? DEFAULT_CALENDAR.timeZone,
    holidays: [...new Set([...DEFAULT_CALENDAR.holidays, ...config.holidays, ...rows.map((r) => r.day)])].sort(),
  }
}

import type { Queryable } from '../store/db.ts'
import type { Config } from '../config.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { DEFAULT_CALENDAR } from '../domain/calendar.ts'

/** The business calendar: default transit times, holidays from config and the holidays table. */
export async function calendarFrom(db: Queryable, config: Pick<Config, 'holidays'>): Promise<CalendarConfig> {
  const rows = await db.query<{ day: string }>('SELECT day FROM holidays ORDER BY day')
  return {
    ...DEFAULT_CALENDAR,
    holidays: [...new Set([...DEFAULT_CALENDAR.holidays, ...config.holidays, ...rows.map((r) => r.day)])].sort(),
  }
}

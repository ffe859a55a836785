import { demoDay } from './demo-day.ts'
import { addCalendarDays, isBusinessDay } from '../domain/calendar.ts'
import type { CalendarConfig } from '../domain/types.ts'
import type { SupplierDef } from './catalog-data.ts'
import type { Rng } from './random.ts'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR

/** How far back feeds reach: older than the oldest order, so every order can be acknowledged. */
const HISTORY_DAYS = 50

/**
 * When each supplier sent its daily status feed: every business day at its own hour (a few
 * minutes' jitter), before `now`. A supplier that went quiet sent nothing on its last days.
 */
export class FeedCalendar {
  readonly #slots = new Map<string, Date[]>()

  constructor(rng: Rng, now: Date, suppliers: SupplierDef[], cal: CalendarConfig) {
    const today = demoDay(now)
    const days: string[] = []
    for (let d = addCalendarDays(today, -HISTORY_DAYS); d <= today; d = addCalendarDays(d, 1)) {
      if (isBusinessDay(d, cal)) days.push(d)
    }
    for (const s of suppliers) {
      const open = s.silentDays > 0 ? days.slice(0, -s.silentDays) : days
      const slots = open
        .map((d) => new Date(Date.parse(`${d}T00:00:00Z`) + s.feedHour * HOUR + rng.int(0, 40) * 60_000))
        .filter((t) => t < now)
      this.#slots.set(s.id, slots)
    }
  }

  /** The supplier's feeds that can speak of an order placed at `placedAt` (at least 30 minutes later). */
  after(supplierId: string, placedAt: Date): Date[] {
    const from = placedAt.getTime() + HOUR / 2
    return (this.#slots.get(supplierId) ?? []).filter((t) => t.getTime() >= from)
  }
}

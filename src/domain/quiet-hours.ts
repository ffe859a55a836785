/**
 * Quiet hours (DESIGN.md "Messages"): a message that would reach the customer at night waits
 * for the morning in the customer's time zone — but a delay notice never waits past its legal
 * deadline. Pure: the instant and the zone are arguments.
 */
import { DateTime } from 'luxon'
import zipcodes from 'zipcode-to-timezone'
import type { IsoDate } from './types.ts'
import { isValidTimeZone } from './calendar.ts'

export interface QuietHours {
  /** Local hour quiet begins (default 21). */
  startHour: number
  /** Local hour quiet ends (default 8). */
  endHour: number
}

export const DEFAULT_QUIET_HOURS: QuietHours = { startHour: 21, endHour: 8 }

/** The customer's IANA zone from a US ZIP code (ZIP+4 and spaces allowed), else the store's. */
export function customerZone(postalCode: string | null, storeZone: string): string {
  const zip = /^\s*(\d{5})(?:[-\s]?\d{4})?\s*$/.exec(postalCode ?? '')?.[1]
  const found = zip ? zipcodes.lookup(zip) : null
  return found && isValidTimeZone(found) ? found : storeZone
}

function inQuiet(hour: number, q: QuietHours): boolean {
  return q.startHour > q.endHour ? hour >= q.startHour || hour < q.endHour : hour >= q.startHour && hour < q.endHour
}

/** The instant the last moment of `day` ends in `zone` (a notice due on that day must leave by then). */
export function endOfDay(day: IsoDate, zone: string): Date {
  return DateTime.fromISO(day, { zone }).endOf('day').toJSDate()
}

/**
 * When a message decided at `now` may leave: now, or the end of quiet hours in `zone`. With a
 * deadline that the wait would pass, it leaves now (a notice is never late for a night's quiet).
 */
export function releaseAt(now: Date, zone: string, q: QuietHours, deadline: Date | null): Date {
  const local = DateTime.fromJSDate(now, { zone })
  if (!inQuiet(local.hour, q)) return now
  let end = local.set({ hour: q.endHour, minute: 0, second: 0, millisecond: 0 })
  if (end <= local) end = end.plus({ days: 1 })
  const release = end.toJSDate()
  return deadline !== null && release.getTime() > deadline.getTime() ? now : release
}

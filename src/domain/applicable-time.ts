/**
 * The applicable time of 16 CFR 435 (DESIGN.md "The law on delays"): the ship date the store
 * stated to the customer; with none stated, 30 days after the order was received with payment
 * (50 days when the store itself finances the order). Internal lead times drive ETAs, the
 * `delayed` state and courtesy messages, never this legal clock. Pure.
 */
import { addCalendarDays, localDay } from './calendar.ts'
import type { CalendarConfig, IsoDate, Line } from './types.ts'

/** Days after payment when the store stated no time (16 CFR 435.2(a)(1)(ii)). */
export const NO_STATED_TIME_DAYS = 30
/** The same on the store's own credit (16 CFR 435.2(a)(2)). */
export const SELLER_CREDIT_DAYS = 50

/** How the applicable time was set, as the record shows it. */
export type ApplicableBasis =
  | 'promised_ship_date'
  | 'paid_at + 30 days'
  | 'placed_at + 30 days'
  | 'paid_at + 50 days (seller credit)'
  | 'placed_at + 50 days (seller credit)'

export interface ApplicableTime {
  /** The last day the line may ship without a delay option notice (a day in the store's zone). */
  date: IsoDate
  basis: ApplicableBasis
}

/** The line's applicable time and how it was set. */
export function applicableTime(line: Pick<Line, 'promisedShipDate' | 'placedAt' | 'paidAt' | 'sellerCredit'>, cal: CalendarConfig): ApplicableTime {
  if (line.promisedShipDate) return { date: line.promisedShipDate, basis: 'promised_ship_date' }
  // Received with payment: the payment's day in the store's zone (an evening payment in New York is that day's).
  const from = line.paidAt ? 'paid_at' : 'placed_at'
  const day = localDay(line.paidAt ?? line.placedAt, cal)
  return line.sellerCredit
    ? { date: addCalendarDays(day, SELLER_CREDIT_DAYS), basis: `${from} + 50 days (seller credit)` }
    : { date: addCalendarDays(day, NO_STATED_TIME_DAYS), basis: `${from} + 30 days` }
}

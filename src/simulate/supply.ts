/**
 * One order line at its supplier: acknowledged or backordered the next workday, how long the
 * backorder lasts (by the supplier's habit, the item's popularity and the season), what date the
 * supplier states and whether it revises it, and the day it ships. Pure: the line's own Rng in.
 */
import { addCalendarDays } from '../domain/calendar.ts'
import type { IsoDate } from '../domain/types.ts'
import type { Rng } from '../demo/random.ts'
import { addWorkdays, isWorkday, workdayOnOrAfter, type SimCalendar } from './sim-calendar.ts'
import { lognormal, type SupplierHabits } from './suppliers.ts'

/** One row the supplier's feed will carry about the line before it ships. */
export interface FeedNews {
  day: IsoDate
  status: 'accepted' | 'backordered'
  expectedShipDate: IsoDate | null
}

export interface LineFate {
  backordered: boolean
  /** The first date the supplier stated (null: none, or not backordered). */
  statedShipDate: IsoDate | null
  news: FeedNews[]
  shipDay: IsoDate
}

/** How much likelier a backorder is in the month an order is placed. */
export function backorderSeason(day: IsoDate): number {
  const month = Number(day.slice(5, 7))
  return month === 12 ? 2.5 : month === 11 ? 1.8 : month === 1 ? 1.3 : month >= 3 && month <= 5 ? 0.8 : 1
}

function subtractWorkdays(day: IsoDate, n: number, cal: SimCalendar): IsoDate {
  let d = day
  for (let i = 0; i < n; i++) {
    d = addCalendarDays(d, -1)
    while (!isWorkday(d, cal)) d = addCalendarDays(d, -1)
  }
  return d
}

/** The supplier's first stated date: right, optimistic by its slip, or (rarely) a little late. */
function statedDate(rng: Rng, s: SupplierHabits, ackDay: IsoDate, shipDay: IsoDate, cal: SimCalendar): IsoDate | null {
  if (!rng.chance(s.statesDate)) return null
  if (rng.chance(s.exactDate)) return shipDay
  if (rng.chance(0.1)) return addWorkdays(shipDay, rng.int(1, 3), cal)
  const slip = Math.max(1, Math.round(-Math.log(1 - rng.next()) * s.slipDays))
  const earliest = addWorkdays(ackDay, 1, cal)
  const early = subtractWorkdays(shipDay, slip, cal)
  return early < earliest ? earliest : early
}

/** A later feed's revised date, on a workday before the stated date passes (none when no such day). */
function revision(rng: Rng, s: SupplierHabits, ackDay: IsoDate, stated: IsoDate | null, shipDay: IsoDate, cal: SimCalendar): FeedNews | null {
  if ((stated !== null && stated >= shipDay) || !rng.chance(s.revises)) return null
  const limit = stated ?? shipDay
  const days: IsoDate[] = []
  for (let d = addCalendarDays(ackDay, 1); d < limit; d = addCalendarDays(d, 1)) if (isWorkday(d, cal)) days.push(d)
  if (days.length === 0) return null
  const day = rng.pick(days)
  const revised = rng.chance(0.3) ? subtractWorkdays(shipDay, 1, cal) : shipDay
  return { day, status: 'backordered', expectedShipDate: revised > day ? revised : shipDay }
}

function backorderedFate(rng: Rng, s: SupplierHabits, placedDay: IsoDate, ackDay: IsoDate, cal: SimCalendar): LineFate {
  const peak = ['11', '12'].includes(placedDay.slice(5, 7)) ? 1.4 : 1
  const days = Math.min(120, Math.max(1, Math.round(lognormal(rng, s.backorderMedianDays * peak, s.backorderSigma))))
  const restock = workdayOnOrAfter(addCalendarDays(ackDay, days), cal)
  const shipDay = addWorkdays(restock, rng.int(0, 2), cal)
  const stated = statedDate(rng, s, ackDay, shipDay, cal)
  const news: FeedNews[] = [{ day: ackDay, status: 'backordered', expectedShipDate: stated }]
  const revised = revision(rng, s, ackDay, stated, shipDay, cal)
  if (revised) news.push(revised)
  if (restock < shipDay && !news.some((n) => n.day === restock)) {
    news.push({ day: restock, status: 'accepted', expectedShipDate: rng.chance(0.5) ? shipDay : null })
  }
  return { backordered: true, statedShipDate: stated, news: news.sort((a, b) => a.day.localeCompare(b.day)), shipDay }
}

/** The line's fate at its supplier, from the day it was placed. */
export function planLine(rng: Rng, s: SupplierHabits, hot: boolean, placedDay: IsoDate, cal: SimCalendar): LineFate {
  const ackDay = addWorkdays(placedDay, 1, cal)
  const p = Math.min(0.6, s.backorderRate * (hot ? 2 : 1) * backorderSeason(placedDay))
  if (rng.chance(p)) return backorderedFate(rng, s, placedDay, ackDay, cal)
  const handoff = Math.min(25, Math.max(1, Math.round(lognormal(rng, s.handoffMedian, s.handoffSigma))))
  const shipDay = addWorkdays(placedDay, handoff, cal)
  const news: FeedNews[] = shipDay > ackDay && rng.chance(s.acknowledges) ? [{ day: ackDay, status: 'accepted', expectedShipDate: null }] : []
  return { backordered: false, statedShipDate: null, news, shipDay }
}

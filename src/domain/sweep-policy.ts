/**
 * What the sweep does with a line's derived status, as pure rules: which rep tasks should be
 * open for it, and when time alone could next change its status.
 */
import { addBusinessDays, addCalendarDays, businessDaysBetween, localDay, startOfLocalDay } from './calendar.ts'
import type { LineStatus } from './line-state.ts'
import type { CalendarConfig, IsoDate, LineState } from './types.ts'

export type LineTaskKind = 'delayed' | 'backordered' | 'unavailable' | 'carrier_exception' | 'stalled_in_transit'

export const LINE_TASK_KINDS: LineTaskKind[] = ['delayed', 'backordered', 'unavailable', 'carrier_exception', 'stalled_in_transit']

/** States after which nothing more happens to a line. */
export const FINAL_STATES: readonly LineState[] = ['delivered', 'cancelled']

export interface PolicyContext {
  now: Date
  calendar: CalendarConfig
  /** Business days past the promised ship date before a silent delay becomes a rep task. */
  delayGraceDays: number
  /** Business days without a carrier scan before a parcel in transit counts as stalled (default 3). */
  stallBusinessDays?: number
}

/** Parcels still moving whose last scan (or ship date, with no scan yet) is N business days old. */
export function stalledParcels(status: LineStatus, ctx: PolicyContext): LineStatus['tracking'] {
  const today = localDay(ctx.now, ctx.calendar)
  const limit = ctx.stallBusinessDays ?? 3
  return status.tracking.filter((t) => {
    if (t.qty === 0 || (t.status !== 'in_transit' && t.status !== 'pre_transit')) return false
    const lastScan = localDay(t.lastEvent?.occurredAt ?? t.shippedAt, ctx.calendar)
    return businessDaysBetween(lastScan, today, ctx.calendar) >= limit
  })
}

/** The day a silent delay becomes a rep's problem. */
export function delayTaskDay(status: LineStatus, ctx: PolicyContext): IsoDate {
  return addBusinessDays(status.promisedShipDate, ctx.delayGraceDays + 1, ctx.calendar)
}

/** The rep tasks that should be open for a line in this status (the sweep opens and closes to match). */
export function tasksForLine(status: LineStatus, ctx: PolicyContext): LineTaskKind[] {
  const kinds = stateTasks(status, ctx)
  if (stalledParcels(status, ctx).length > 0) kinds.push('stalled_in_transit')
  return kinds
}

function stateTasks(status: LineStatus, ctx: PolicyContext): LineTaskKind[] {
  const today = localDay(ctx.now, ctx.calendar)
  switch (status.state) {
    case 'delayed':
      return today >= delayTaskDay(status, ctx) ? ['delayed'] : []
    case 'backordered':
      return ['backordered']
    case 'unavailable':
      return ['unavailable']
    case 'exception':
      return ['carrier_exception']
    default:
      // A parcel in trouble matters even when another part of the line arrives later.
      return status.tracking.some((t) => t.status === 'exception' && t.qty > 0) ? ['carrier_exception'] : []
  }
}


/**
 * When time alone may next change this line's status, tasks or outreach; null when only a new
 * signal can. A processing line is looked at on its promised ship date or its applicable time,
 * whichever comes first (the applicable day is the latest its delay notice may go; the promise
 * turns it `delayed`), and daily after; a line in any other open state daily, since its ETA
 * moves and its delay-notice deadlines come once its dates pass.
 */
export function nextCheckAt(status: LineStatus, ctx: Pick<PolicyContext, 'now' | 'calendar'>): Date | null {
  if (FINAL_STATES.includes(status.state)) return null
  // Midnight in the store's zone: that is when its "today" turns.
  const startOf = (day: IsoDate) => startOfLocalDay(day, ctx.calendar)
  const tomorrow = startOf(addCalendarDays(localDay(ctx.now, ctx.calendar), 1))
  if (status.state === 'processing') {
    const first = status.applicableDate < status.promisedShipDate ? status.applicableDate : status.promisedShipDate
    const onFirst = startOf(first)
    return onFirst > tomorrow ? onFirst : tomorrow
  }
  return tomorrow
}

/** Lines that shipped: on time, late (the easy inquiry) or after a backorder (the intermediate one). */
import { addCalendarDays } from '../domain/calendar.ts'
import { day, parcelAt, plan, shippedRow, sig, stateAt, tripSoFar, type LineInput, type LinePlan, type PlannedSignal } from './story-kit.ts'
import { exceptionTrip, outForDeliveryTrip, type Parcel, type PlannedEvent } from './tracking.ts'

export type ShipTarget = 'in_transit' | 'out_for_delivery' | 'delivered' | 'exception'
export type ShipVariant = 'ontime' | 'late' | 'backorder'

/** Feeds that may carry the ship notice for the variant. */
function candidates(variant: ShipVariant, inp: LineInput): number[] {
  const all = inp.slots.map((_, i) => i)
  if (variant === 'ontime') return all.filter((i) => day(inp.slots[i]) <= inp.promise)
  if (variant === 'late') return all.filter((i) => day(inp.slots[i]) > inp.promise)
  return all.filter((i) => i >= 1)
}

/** Parcels still moving were shipped lately: try the recent feeds first for those. */
function order(target: ShipTarget, inp: LineInput, idx: number[]): number[] {
  if (target === 'delivered') return inp.rng.shuffle(idx).slice(0, 10)
  return inp.rng.shuffle(idx.slice(-5))
}

function trip(target: ShipTarget, inp: LineInput, p: Parcel): PlannedEvent[] | null {
  if (target === 'out_for_delivery') return outForDeliveryTrip(inp.rng, p, inp.now)
  if (target === 'exception') return exceptionTrip(inp.rng, p, inp.now, inp.cal)
  const events = tripSoFar(inp, p)
  return stateAt(events, inp.now) === target ? events : null
}

/** What the supplier said before the ship notice at feed `i`. */
function before(variant: ShipVariant, inp: LineInput, i: number): PlannedSignal[] {
  const { rng, slots, qty } = inp
  if (variant === 'backorder') {
    // Back in stock shortly before it shipped: a restock weeks earlier would have shipped sooner.
    const j = rng.int(Math.max(1, i - 3), i)
    const was = rng.chance(0.5) ? addCalendarDays(day(slots[0]), rng.int(5, 15)) : null
    return [sig(slots[0], 'backordered', { qty, expected: was }), sig(slots[j], 'accepted', { qty })]
  }
  // Some suppliers send only ship notices, and a late one may never have acknowledged at all.
  if (rng.chance(variant === 'late' ? 0.2 : 0.1)) return []
  return [sig(slots[0], 'accepted', { qty })]
}

export function shipStory(target: ShipTarget, variant: ShipVariant, inp: LineInput): LinePlan | null {
  for (const i of order(target, inp, candidates(variant, inp))) {
    const parcel = parcelAt(inp, inp.slots[i])
    const events = trip(target, inp, parcel)
    if (!events) continue
    return plan([...before(variant, inp, i), shippedRow(inp, parcel, inp.qty)], events)
  }
  return null
}

/** The shared words of the line stories: planned signals, the line's facts, and parcels. */
import { demoDay } from './demo-day.ts'
import type { CalendarConfig } from '../domain/types.ts'
import type { SupplierDef } from './catalog-data.ts'
import type { Offer } from './catalog.ts'
import type { Rng } from './random.ts'
import { naturalTrip, stateAt, trackingNumber, type Parcel, type PlannedEvent } from './tracking.ts'

/** One row the supplier will send about the line, in its feed at `at`. */
export interface PlannedSignal {
  at: Date
  status: 'accepted' | 'backordered' | 'shipped' | 'cancelled' | 'rejected'
  qty: number | null
  expected: string | null
  carrier: string | null
  tracking: string | null
}

export interface LinePlan {
  signals: PlannedSignal[]
  events: PlannedEvent[]
}

export interface LineInput {
  rng: Rng
  now: Date
  today: string
  cal: CalendarConfig
  placedAt: Date
  /** The promised ship date wismo will derive: order day + lead time in business days. */
  promise: string
  supplier: SupplierDef
  offer: Offer
  qty: number
  /** The supplier's feeds since the order was placed, oldest first. */
  slots: Date[]
  destination: string
  /** Tracking numbers handed out so far: a number belongs to one parcel only. */
  usedTracking: Set<string>
}

export const sig = (at: Date, status: PlannedSignal['status'], extra: Partial<PlannedSignal> = {}): PlannedSignal =>
  ({ at, status, qty: null, expected: null, carrier: null, tracking: null, ...extra })

export const plan = (signals: PlannedSignal[], events: PlannedEvent[] = []): LinePlan => ({ signals, events })

export const day = (t: Date): string => demoDay(t)

/** A parcel the supplier hands to one of its carriers when its feed at `at` reports it shipped. */
export function parcelAt(inp: LineInput, at: Date): Parcel {
  const carrier = inp.rng.pick(inp.supplier.carriers)
  let number = trackingNumber(inp.rng, carrier, inp.supplier)
  while (inp.usedTracking.has(number)) number = trackingNumber(inp.rng, carrier, inp.supplier)
  inp.usedTracking.add(number)
  return {
    carrier,
    trackingNumber: number,
    shippedAt: at,
    origin: inp.supplier.origin,
    destination: inp.destination,
  }
}

/** The ship notice row; some suppliers leave the carrier blank (wismo knows it by the number's shape). */
export function shippedRow(inp: LineInput, p: Parcel, qty: number): PlannedSignal {
  const carrier = inp.rng.chance(0.15) ? null : p.carrier
  return sig(p.shippedAt, 'shipped', { qty, carrier, tracking: p.trackingNumber })
}

/** The carrier events of a parcel's ordinary trip that happened before `now`. */
export function tripSoFar(inp: LineInput, p: Parcel): PlannedEvent[] {
  return naturalTrip(inp.rng, p, inp.cal).filter((e) => e.occurred_at < inp.now)
}

export { stateAt }

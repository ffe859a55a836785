import { demoDay } from './demo-day.ts'
import { addBusinessDays, nextBusinessDay } from '../domain/calendar.ts'
import type { CalendarConfig, CarrierStatus } from '../domain/types.ts'
import type { CarrierName, SupplierDef } from './catalog-data.ts'
import type { Rng } from './random.ts'

/** One carrier event as the normalized JSON of DESIGN.md (snake_case keys). */
export interface PlannedEvent {
  tracking_number: string
  carrier: CarrierName
  status: CarrierStatus
  occurred_at: Date
  location: string | null
  message: string
  estimated_delivery: string | null
}

export interface Parcel {
  carrier: CarrierName
  trackingNumber: string
  shippedAt: Date
  origin: string
  destination: string
}

const HOUR = 3_600_000
const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('')

/** UPS: 1Z + shipper account (6) + service (2) + package (7) + mod-10 check digit = 18 characters. */
function ups(rng: Rng, supplier: SupplierDef): string {
  const account = supplier.id.toUpperCase().replace(/[^A-Z]/g, '').padEnd(4, 'X').slice(0, 4) + String(supplier.feedHour).padStart(2, '0')
  const body = account + rng.pick(['03', '03', '03', '02', '12']) + digits(rng, 7)
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    const n = /\d/.test(c) ? Number(c) : (c.charCodeAt(0) - 63) % 10
    sum += i % 2 === 1 ? n * 2 : n
  }
  return `1Z${body}${(10 - (sum % 10)) % 10}`
}

/**
 * USPS IMpb: 22 digits, 9400 (Ground Advantage) or 9205 (Priority) with a 9-digit mailer id that
 * starts with 9, as the tracking-number specs require, and a mod-10 check digit.
 */
function usps(rng: Rng): string {
  const prefix = rng.pick(['9400', '9400', '9205'])
  const body = prefix === '9205' ? `${prefix}59${digits(rng, 15)}` : `${prefix}1${digits(rng, 16)}`
  let sum = 0
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1)
  return `${body}${(10 - (sum % 10)) % 10}`
}

/**
 * FedEx Express/Ground 12 digits: weights 1,3,7 from the right, mod 11 check. Leading 7–9, as
 * FedEx issues them: numbers starting 0–5 can also pass Purolator's check.
 */
function fedex(rng: Rng): string {
  const body = rng.pick(['7', '7', '8', '9']) + digits(rng, 10)
  const weights = [1, 3, 7]
  let sum = 0
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * weights[i % 3]
  return `${body}${(sum % 11) % 10}`
}

export function trackingNumber(rng: Rng, carrier: CarrierName, supplier: SupplierDef): string {
  return carrier === 'UPS' ? ups(rng, supplier) : carrier === 'USPS' ? usps(rng) : fedex(rng)
}

const HUBS: Record<CarrierName, string[]> = {
  UPS: ['Louisville, KY', 'Hodgkins, IL', 'Dallas, TX'],
  FedEx: ['Memphis, TN', 'Indianapolis, IN', 'Oakland, CA'],
  USPS: ['Chicago, IL', 'Kansas City, MO', 'Atlanta, GA'],
}

const DELIVERED = ['Delivered, front door', 'Delivered, left at front porch', 'Delivered to mail room', 'Delivered, handed to resident']

/** Carriers report whole seconds. */
const whole = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000)
const at = (day: string, hour: number): Date => whole(Date.parse(`${day}T00:00:00Z`) + hour * HOUR)

/**
 * A parcel's whole trip as the carrier would report it: picked up, through a hub, out for
 * delivery on the estimated day, delivered (sometimes after a failed attempt). The caller keeps
 * only what happened before `now`.
 */
export function naturalTrip(rng: Rng, p: Parcel, cal: CalendarConfig): PlannedEvent[] {
  const shipDay = demoDay(p.shippedAt)
  const eta = addBusinessDays(shipDay, rng.int(1, 4), cal)
  const ev = (status: CarrierStatus, t: Date, location: string | null, message: string, est: string | null = eta): PlannedEvent =>
    ({ tracking_number: p.trackingNumber, carrier: p.carrier, status, occurred_at: t, location, message, estimated_delivery: est })
  const events = [ev('in_transit', whole(p.shippedAt.getTime() + rng.float(2, 6) * HOUR), p.origin, 'Picked up')]
  const hubDay = nextBusinessDay(shipDay, cal)
  if (hubDay < eta) events.push(ev('in_transit', at(hubDay, rng.float(4, 10)), rng.pick(HUBS[p.carrier]), 'Arrived at carrier facility'))
  let day = eta
  if (rng.chance(0.06)) {
    events.push(ev('out_for_delivery', at(day, rng.float(12, 14)), p.destination, 'Out for delivery'))
    const next = nextBusinessDay(day, cal)
    events.push(ev('exception', at(day, rng.float(18, 22)), p.destination, 'Delivery attempted - no one available', next))
    day = next
  }
  events.push(ev('out_for_delivery', at(day, rng.float(12, 14.5)), p.destination, 'Out for delivery', day))
  events.push(ev('delivered', at(day, rng.float(15, 23)), p.destination, rng.pick(DELIVERED), null))
  return events
}

/** Picked up, then out for delivery shortly before `now` (today's deliveries). */
export function outForDeliveryTrip(rng: Rng, p: Parcel, now: Date): PlannedEvent[] | null {
  const pickup = whole(p.shippedAt.getTime() + rng.float(2, 4) * HOUR)
  const ofd = whole(now.getTime() - rng.float(0.3, 4) * HOUR)
  if (ofd.getTime() - pickup.getTime() < 6 * HOUR) return null
  const today = demoDay(now)
  return [
    { tracking_number: p.trackingNumber, carrier: p.carrier, status: 'in_transit', occurred_at: pickup, location: p.origin, message: 'Picked up', estimated_delivery: today },
    { tracking_number: p.trackingNumber, carrier: p.carrier, status: 'out_for_delivery', occurred_at: ofd, location: p.destination, message: 'Out for delivery', estimated_delivery: today },
  ]
}

const PROBLEMS: [string, 'destination' | 'hub'][] = [
  ['Delivery attempted - no one available', 'destination'],
  ['Damaged in transit', 'hub'],
  ['Address information incomplete - held at facility', 'destination'],
  ['Weather delay - severe storms in the area', 'hub'],
]

/** Picked up, then a carrier problem within the last day and a half. */
export function exceptionTrip(rng: Rng, p: Parcel, now: Date, cal: CalendarConfig): PlannedEvent[] | null {
  const pickup = whole(p.shippedAt.getTime() + rng.float(2, 4) * HOUR)
  const when = whole(now.getTime() - rng.float(1, 36) * HOUR)
  if (when.getTime() - pickup.getTime() < 8 * HOUR) return null
  const [message, where] = rng.pick(PROBLEMS)
  const eta = addBusinessDays(demoDay(pickup), rng.int(2, 4), cal)
  const retry = nextBusinessDay(demoDay(now), cal)
  return [
    { tracking_number: p.trackingNumber, carrier: p.carrier, status: 'in_transit', occurred_at: pickup, location: p.origin, message: 'Picked up', estimated_delivery: eta },
    {
      tracking_number: p.trackingNumber, carrier: p.carrier, status: 'exception', occurred_at: when,
      location: where === 'hub' ? rng.pick(HUBS[p.carrier]) : p.destination, message,
      estimated_delivery: message.startsWith('Damaged') ? null : retry,
    },
  ]
}

/** The parcel's state at `now` from the events that happened by then (none yet: in transit on the ship notice). */
export function stateAt(events: PlannedEvent[], now: Date): CarrierStatus {
  const past = events.filter((e) => e.occurred_at < now).sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime())
  const last = past[past.length - 1]
  return !last || last.status === 'pre_transit' ? 'in_transit' : last.status
}

/**
 * The simulated carriers: UPS, FedEx and USPS services (named as the calendar's service levels
 * read them, src/domain/service-level.ts), transit by service and lane distance (the first
 * digits of the ZIP codes, east to west), slower in the weeks before Christmas, and each
 * parcel's scans as normalized carrier events — some in-transit scans lost, a few failed
 * delivery attempts.
 */
import { addCalendarDays } from '../domain/calendar.ts'
import type { IsoDate } from '../domain/types.ts'
import type { Rng } from '../demo/random.ts'
import { addDeliveryDays, atHour, isDeliveryDay, type SimCalendar } from './sim-calendar.ts'

export const SERVICES = {
  'UPS Ground': { carrier: 'UPS', level: 'ground', saturday: false },
  'UPS 2nd Day Air': { carrier: 'UPS', level: '2day', saturday: false },
  'UPS Next Day Air': { carrier: 'UPS', level: 'next_day', saturday: false },
  'FedEx Ground': { carrier: 'FedEx', level: 'ground', saturday: false },
  'FedEx Home Delivery': { carrier: 'FedEx', level: 'ground', saturday: true },
  'FedEx 2Day': { carrier: 'FedEx', level: '2day', saturday: false },
  'USPS Ground Advantage': { carrier: 'USPS', level: 'mail', saturday: true },
  'USPS Priority Mail': { carrier: 'USPS', level: 'priority', saturday: true },
} as const
export type ServiceName = keyof typeof SERVICES
export type CarrierName = (typeof SERVICES)[ServiceName]['carrier']

/** DESIGN.md's normalized carrier event, as written to the NDJSON files. */
export interface SimEvent {
  tracking_number: string
  carrier: CarrierName
  status: 'in_transit' | 'out_for_delivery' | 'delivered' | 'exception'
  occurred_at: string
  location: string
  message: string
  estimated_delivery: string | null
}

const GROUND_BY_DISTANCE = [1, 2, 2, 3, 3, 4, 4, 5, 5, 5]

/** Delivery days in transit for a service over a lane, before the Christmas peak. */
function baseTransit(rng: Rng, service: ServiceName, from: string, to: string): number {
  const distance = Math.abs(Number(from[0]) - Number(to[0]))
  const level = SERVICES[service].level
  if (level === 'next_day') return rng.chance(0.03) ? 2 : 1
  if (level === '2day') return rng.chance(0.05) ? 3 : 2
  if (level === 'priority') return (distance <= 2 ? 1 : distance <= 5 ? 2 : 3) + (rng.chance(0.15) ? 1 : 0)
  const ground = GROUND_BY_DISTANCE[distance] + (rng.chance(0.2) ? 1 : 0) - (distance > 0 && rng.chance(0.1) ? 1 : 0)
  return level === 'mail' ? Math.max(2, ground + (rng.chance(0.3) ? 1 : 0)) : Math.max(1, ground)
}

/** The weeks before Christmas (Dec 1–24): parcels take 1–3 days more, the slow services more often. */
export function isPeak(day: IsoDate): boolean {
  return day.slice(5, 7) === '12' && day.slice(8) <= '24'
}

function peakDelay(rng: Rng, service: ServiceName, shipDay: IsoDate): number {
  if (!isPeak(shipDay)) return 0
  const slow = ['ground', 'mail'].includes(SERVICES[service].level)
  return rng.chance(slow ? 0.6 : 0.25) ? rng.int(1, slow ? 3 : 1) : 0
}

export interface Trip {
  deliveredDay: IsoDate
  events: SimEvent[]
}

export interface Parcel {
  trackingNumber: string
  service: ServiceName
  shipDay: IsoDate
  /** When the supplier's ship notice went out: the pickup scan comes after it. */
  notifiedAt: Date
  from: { postal: string; city: string }
  to: { postal: string; city: string }
}

const HUBS: Record<CarrierName, string[]> = {
  UPS: ['Louisville, KY', 'Hodgkins, IL', 'Dallas, TX', 'Ontario, CA'],
  FedEx: ['Memphis, TN', 'Indianapolis, IN', 'Oakland, CA', 'Allentown, PA'],
  USPS: ['Chicago, IL', 'Kansas City, MO', 'Atlanta, GA', 'Denver, CO'],
}

/**
 * The parcel's whole trip: picked up after the ship notice, hub scans on the days between (30 %
 * lost), out for delivery and delivered; 3 % a failed attempt first (an exception, delivered the
 * next delivery day). The carrier's estimate is the planned day, now and then a day too early.
 */
export function planTrip(rng: Rng, p: Parcel, cal: SimCalendar): Trip {
  const svc = SERVICES[p.service]
  const transit = baseTransit(rng, p.service, p.from.postal, p.to.postal) + peakDelay(rng, p.service, p.shipDay) + (rng.chance(0.02) ? 2 : 0)
  const planned = addDeliveryDays(p.shipDay, transit, cal, svc.saturday)
  const estimate = rng.chance(0.15) ? addDeliveryDays(addCalendarDays(planned, -2), 1, cal, svc.saturday) : planned
  const shownEstimate = estimate > p.shipDay ? estimate : planned
  const ev = (status: SimEvent['status'], at: Date, location: string, message: string, est: string | null): SimEvent =>
    ({ tracking_number: p.trackingNumber, carrier: svc.carrier, status, occurred_at: at.toISOString(), location, message, estimated_delivery: est })
  const pickupAt = new Date(Math.round((p.notifiedAt.getTime() + rng.float(0.5, 3) * 3_600_000) / 1000) * 1000)
  const events = [ev('in_transit', pickupAt, p.from.city, 'Picked up', shownEstimate)]
  for (let d = addCalendarDays(p.shipDay, 1); d < planned; d = addCalendarDays(d, 1)) {
    if (!isDeliveryDay(d, cal, true) || rng.chance(0.3)) continue
    events.push(ev('in_transit', atHour(d, rng.float(2, 9), cal.zone), rng.pick(HUBS[svc.carrier]), 'Departed carrier facility', shownEstimate))
  }
  let day = planned
  if (rng.chance(0.03)) {
    const next = addDeliveryDays(day, 1, cal, svc.saturday)
    events.push(ev('out_for_delivery', atHour(day, rng.float(7.5, 10), cal.zone), p.to.city, 'Out for delivery', day))
    events.push(ev('exception', atHour(day, rng.float(14, 19), cal.zone), p.to.city, 'Delivery attempted - no one available', next))
    day = next
  }
  if (!rng.chance(0.1)) events.push(ev('out_for_delivery', atHour(day, rng.float(7.5, 10), cal.zone), p.to.city, 'Out for delivery', day))
  events.push(ev('delivered', atHour(day, rng.float(10.5, 20.5), cal.zone), p.to.city, rng.pick(['Delivered, front door', 'Delivered, left at porch', 'Delivered to mail room']), null))
  return { deliveredDay: day, events }
}

/** Small builders for domain tests: sensible defaults, override what the test is about. */
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import type { DeriveContext, LineStatus } from '../../src/domain/line-state.ts'
import type {
  CarrierEvent,
  CarrierStatus,
  Line,
  LineSignals,
  LineState,
  Shipment,
  SupplierSignal,
  SupplierStatus,
} from '../../src/domain/types.ts'

/** Monday 2026-11-30, 10:00 UTC: the day the order is placed. */
export const PLACED = new Date('2026-11-30T10:00:00Z')
/** Wednesday 2026-12-02, 15:00 UTC: the default "now" (the promise, Wednesday, not yet missed). */
export const NOW = new Date('2026-12-02T15:00:00Z')

/** An instant on a day, at noon UTC unless a time is given. */
export function at(day: string, time = '12:00:00'): Date {
  return new Date(`${day}T${time}Z`)
}

/** 5 units, placed Monday 2026-11-30 with a 2-business-day lead time (promised Wednesday 12-02). */
export function buildLine(over: Partial<Line> = {}): Line {
  return {
    lineNo: 1,
    sku: 'CHAIR-OAK',
    qty: 5,
    supplierId: 'ACME',
    placedAt: PLACED,
    promisedShipDate: null,
    leadTimeDays: 2,
    cancelledAt: null,
    cancelledQty: null,
    ...over,
  }
}

let nextMessageId = 1000

/** A supplier signal; each call is its own message unless `messageId` is given. */
export function signal(status: SupplierStatus, over: Partial<SupplierSignal> = {}): SupplierSignal {
  return {
    messageId: over.messageId ?? nextMessageId++,
    status,
    qty: null,
    expectedShipDate: null,
    receivedAt: at('2026-12-01'),
    source: '855',
    ...over,
  }
}

export function shipment(trackingNumber: string, qty: number, over: Partial<Shipment> = {}): Shipment {
  return { carrier: 'UPS', trackingNumber, service: 'ground', shippedAt: at('2026-12-01'), qty, ...over }
}

export function event(trackingNumber: string, status: CarrierStatus, occurredAt: Date, over: Partial<CarrierEvent> = {}): CarrierEvent {
  return {
    trackingNumber,
    carrier: 'UPS',
    status,
    occurredAt,
    location: null,
    message: null,
    estimatedDelivery: null,
    ...over,
  }
}

export function signals(over: Partial<LineSignals> = {}): LineSignals {
  return { supplierSignals: [], shipments: [], carrierEvents: [], offer: null, ...over }
}

export function ctx(over: Partial<DeriveContext> = {}): DeriveContext {
  return { now: NOW, calendar: DEFAULT_CALENDAR, history: null, ...over }
}

/** A line status as deriveLineStatus would give it, for order-level tests. */
export function lineStatus(state: LineState, over: Partial<LineStatus> = {}): LineStatus {
  return {
    state,
    quantities: { [state]: 1 },
    promisedShipDate: '2026-12-02',
    applicableDate: '2026-12-02',
    expectedShipDate: null,
    eta: state === 'cancelled' || state === 'unavailable' ? null : { earliest: '2026-12-04', latest: '2026-12-09', source: 'promise' },
    tracking: [],
    resolution: null,
    explanation: '',
    reason: null,
    ...over,
  }
}

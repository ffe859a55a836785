/**
 * The words of the domain, shared by every part of wismo. Pure data: no I/O here.
 * Dates without time are ISO strings `YYYY-MM-DD` (calendar days in the retailer's zone);
 * instants are `Date`.
 */

export const LINE_STATES = [
  'processing',
  'delayed',
  'backordered',
  'restocked',
  'unavailable',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
  'cancelled',
] as const
export type LineState = (typeof LINE_STATES)[number]

/** Most urgent first: the order's state is its most urgent line's state (DESIGN.md). */
export const URGENCY: readonly LineState[] = [
  'exception',
  'backordered',
  'unavailable',
  'delayed',
  'restocked',
  'processing',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'cancelled',
]

/** What a supplier says about a PO line, normalized from 855/856/870/846/CSV. */
export const SUPPLIER_STATUSES = [
  'accepted',
  'backordered',
  'rescheduled',
  'shipped',
  'cancelled',
  'rejected',
  'on_hold',
] as const
export type SupplierStatus = (typeof SUPPLIER_STATUSES)[number]

export const CARRIER_STATUSES = [
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
] as const
export type CarrierStatus = (typeof CARRIER_STATUSES)[number]

export type IsoDate = string

/** An order line as the domain needs it. */
export interface Line {
  lineNo: number
  sku: string
  qty: number
  supplierId: string | null
  placedAt: Date
  /** The order's promised ship date, if the retailer gave one. */
  promisedShipDate: IsoDate | null
  /** The supplier's lead time in business days (used when no promised date). */
  leadTimeDays: number
  /** When the order was received with payment (orders CSV `paid_at`); absent: placedAt. */
  paidAt?: Date | null
  /** The store itself finances the order (orders CSV `seller_credit`): 50 days, not 30, with no stated ship date. */
  sellerCredit?: boolean
  cancelledAt: Date | null
  /** Quantity cancelled; null with cancelledAt set means the whole line. */
  cancelledQty: number | null
  /** Where its supplier ships from and where it goes: the lane its transit is learned on. */
  shipFrom?: { postalCode: string | null; country: string } | null
  shipTo?: { postalCode: string | null; country: string } | null
}

/**
 * One supplier signal for this line. Signals from one message share `messageId`;
 * the latest message (by receivedAt, then messageId) is the supplier's current word.
 * A BP acknowledgment is two signals of one message: accepted qty A, backordered qty B.
 */
export interface SupplierSignal {
  messageId: number
  status: SupplierStatus
  qty: number | null
  expectedShipDate: IsoDate | null
  receivedAt: Date
  source: string
}

export interface Shipment {
  /** The carrier as the feed named it (a SCAC such as PRLA): service levels are read from it. */
  carrier: string | null
  /**
   * What customers and reps read for it ("Purolator"), when the adapter knows the name; null
   * when the feed named no real carrier ("NONE"). Absent: `carrier` is shown as it is.
   */
  carrierName?: string | null
  /** Null: the supplier said it shipped, with no number a carrier can be asked about. */
  trackingNumber: string | null
  service: string | null
  shippedAt: Date
  qty: number
  /** A rep ordered a replacement (a reship): this parcel counts only for units the replacement has not shipped. */
  replaced?: boolean
}

export interface CarrierEvent {
  trackingNumber: string
  carrier: string | null
  status: CarrierStatus
  occurredAt: Date
  location: string | null
  message: string | null
  estimatedDelivery: IsoDate | null
}

/**
 * A tracking aggregator's own reconciled view of a parcel (EasyPost `status`, AfterShip `tag`,
 * Shippo `tracking_status`) as of its `updated_at`. It decides the parcel's state over the
 * order of the scans, whose times carriers sometimes get wrong (docs/formats.md).
 */
export interface TrackerView {
  trackingNumber: string
  status: CarrierStatus
  /** The tracker's own time of this view: a webhook with an older one is stale. */
  updatedAt: Date
}

/** The line's supplier's current offer for its SKU (846, CSV offers). */
export interface OfferSnapshot {
  availableQty: number | null
  restockDate: IsoDate | null
}

/** Everything known about a line, gathered by the store. */
export interface LineSignals {
  supplierSignals: SupplierSignal[]
  shipments: Shipment[]
  carrierEvents: CarrierEvent[]
  /** The aggregators' current views of the line's parcels (at most one per tracking number). */
  trackers?: TrackerView[]
  offer: OfferSnapshot | null
}

/** Days from backorder to shipment seen on this supplier's past backorders. */
export interface SupplierHistory {
  backorderDays: number[]
}

export type EtaSource = 'carrier' | 'supplier' | 'promise' | 'history'

export interface Eta {
  earliest: IsoDate
  latest: IsoDate
  source: EtaSource
  /** What a learned ETA was learned from, in words ("supplier SUP-A hand-off, 214 orders; lane …"). */
  basis?: string
}

export interface CalendarConfig {
  /** Holidays, `YYYY-MM-DD`, skipped like weekends. */
  holidays: IsoDate[]
  /**
   * The store's IANA time zone (`WISMO_TIMEZONE`): "today", the day an order was placed and the
   * days of signals and scans are taken in it. Absent: America/New_York, the documented default.
   */
  timeZone?: string
  /** Transit business days by carrier service (lower-case key); `default` when unknown. */
  transitDays: Record<string, { min: number; max: number }>
}

export type Resolution = 'easy' | 'intermediate' | 'ugly' | null

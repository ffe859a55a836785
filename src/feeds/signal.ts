import type { IsoDate, SupplierStatus } from '../domain/types.ts'

/**
 * A supplier message normalized to one line's news (DESIGN.md "Supplier signals"). Every feed
 * format (CSV, 855, 856, 870) becomes a list of these before anything touches the database.
 */
export interface NormalizedSignal {
  poNumber: string | null
  poLine: string | null
  /** The buyer's SKU (BP) when known. */
  sku: string | null
  /** The supplier's own SKU (VP) when that is all the message gives. */
  supplierSku?: string | null
  status: SupplierStatus
  qty: number | null
  expectedShipDate: IsoDate | null
  carrier: string | null
  trackingNumber: string | null
  service?: string | null
  shippedAt?: Date | null
  /**
   * The supplier's id of the shipment (856 BSN02): the cartons of one line under one number in
   * one shipment add up, and a later message about the same shipment replaces what it said.
   */
  shipmentId?: string | null
  /** The code as the supplier sent it (e.g. "855 ACK IB", "csv backordered"). */
  rawCode: string
  /** Where in the message it came from, for error messages and the rep view. */
  location: string
  /**
   * Set when the message's own quantities for this line do not add up (an 855 PO1 loop whose
   * ACKs do not sum to PO102): the signal is still applied as it reads best, and a rep task
   * is opened so the units nobody accounted for are not silently left in a default state.
   */
  problem?: string | null
}

import type { Queryable } from './db.ts'
import { carrierName } from '../carriers/carriers.ts'
import type { CarrierEvent, CarrierStatus, Line, LineSignals, Shipment, SupplierSignal, SupplierStatus, TrackerView } from '../domain/types.ts'
import { orderNumberKey } from '../domain/order-number.ts'

/** One order and everything known about its lines, read in a fixed handful of queries. */
export interface OrderSnapshot {
  orderId: number
  orderNumber: string
  placedAt: Date
  customerEmail: string | null
  customerName: string | null
  postalCode: string | null
  lines: LineSnapshot[]
}

export interface LineSnapshot {
  orderLineId: number
  orderId: number
  line: Line
  name: string
  supplierName: string | null
  pos: { poNumber: string; poLine: string; supplierId: string | null; active: boolean }[]
  signals: LineSignals
  services: Map<string, string | null>
}

interface OrderRow extends Record<string, unknown> {
  order_id: number
  order_number: string
  placed_at: Date
  email: string | null
  name: string | null
  postal_code: string | null
  promised_ship_date: string | null
}

/** Finds an order by number; null when there is none. */
export async function findOrderRow(db: Queryable, orderNumber: string): Promise<OrderRow | null> {
  const rows = await db.query<OrderRow>(
    `SELECT o.order_id, o.order_number, o.placed_at, c.email, c.name, o.postal_code, o.promised_ship_date
       FROM orders o JOIN customers c USING (customer_id) WHERE upper(o.order_number) = $1 ORDER BY o.order_number LIMIT 1`,
    [orderNumberKey(orderNumber)],
  )
  return rows[0] ?? null
}

// One round trip for the whole order: lines with their POs, signals, shipments and carrier events
// as JSON. The customer lookup is the hottest path; six sequential queries cost more than the work.
const ORDER_SNAPSHOT_SQL = `
SELECT o.order_id, o.order_number, o.placed_at, c.email, c.name, o.postal_code, o.country, o.paid_at, o.seller_credit,
  (SELECT coalesce(json_agg(json_build_object(
      'id', l.order_line_id, 'lineNo', l.line_no, 'sku', l.sku, 'qty', l.qty, 'supplierId', l.supplier_id,
      'promised', coalesce(l.promised_ship_date, o.promised_ship_date)::text,
      'cancelledAt', l.cancelled_at, 'cancelledQty', l.cancelled_qty,
      'name', p.name, 'supplierName', s.name, 'leadTimeDays', coalesce(f.lead_time_days, s.lead_time_days),
      'availableQty', f.available_qty, 'restockDate', f.restock_date::text,
      'fromPostal', s.postal_code, 'fromCountry', s.country,
      'pos', (SELECT json_agg(json_build_object('poNumber', po.po_number, 'poLine', po.po_line, 'supplierId', po.supplier_id, 'active', po.active)
                              ORDER BY po.created_at, po.po_line_id)
                FROM po_lines po WHERE po.order_line_id = l.order_line_id),
      'signals', (SELECT json_agg(json_build_object('messageId', sg.message_id, 'status', sg.status, 'qty', sg.qty,
                                  'expectedShipDate', sg.expected_ship_date::text, 'receivedAt', sg.received_at, 'source', sg.source))
                    FROM supplier_signals sg JOIN po_lines po ON po.po_line_id = sg.po_line_id
                   WHERE po.order_line_id = l.order_line_id AND po.active),
      'shipments', (SELECT json_agg(json_build_object('carrier', sh.carrier, 'trackingNumber', sh.tracking_number, 'service', sh.service,
                                    'shippedAt', sh.shipped_at, 'qty', sh.qty, 'replaced', sh.replaced_at IS NOT NULL,
                                    'events', (SELECT json_agg(json_build_object('carrier', e.carrier, 'status', e.status, 'occurredAt', e.occurred_at,
                                                  'location', e.location, 'message', e.message, 'estimatedDelivery', e.estimated_delivery::text)
                                                  ORDER BY e.occurred_at, e.event_id)
                                                 FROM carrier_events e WHERE e.tracking_number = sh.tracking_number),
                                    'tracker', (SELECT json_build_object('status', t.status, 'updatedAt', t.updated_at)
                                                  FROM tracker_status t WHERE t.tracking_number = sh.tracking_number))
                                    ORDER BY sh.shipped_at, sh.shipment_id)
                      FROM shipments sh WHERE sh.order_line_id = l.order_line_id)
    ) ORDER BY l.line_no), '[]'::json)
     FROM order_lines l
     LEFT JOIN products p ON p.sku = l.sku
     LEFT JOIN suppliers s ON s.supplier_id = l.supplier_id
     LEFT JOIN offers f ON f.supplier_id = l.supplier_id AND f.sku = l.sku
    WHERE l.order_id = o.order_id) AS lines
  FROM orders o JOIN customers c USING (customer_id)
 WHERE upper(o.order_number) = $1 ORDER BY o.order_number LIMIT 1`

interface JsonLine {
  id: number; lineNo: number; sku: string; qty: number; supplierId: string | null; promised: string | null
  cancelledAt: string | null; cancelledQty: number | null; name: string | null; supplierName: string | null
  leadTimeDays: number | null; availableQty: number | null; restockDate: string | null
  fromPostal: string | null; fromCountry: string | null
  pos: LineSnapshot['pos'] | null
  signals: { messageId: number; status: string; qty: number | null; expectedShipDate: string | null; receivedAt: string; source: string }[] | null
  shipments: {
    carrier: string | null; trackingNumber: string | null; service: string | null; shippedAt: string; qty: number; replaced?: boolean
    events: { carrier: string | null; status: string; occurredAt: string; location: string | null; message: string | null; estimatedDelivery: string | null }[] | null
    tracker: { status: string; updatedAt: string } | null
  }[] | null
}

/** The order's payment terms, which set a line's applicable time when no ship date was stated. */
interface Terms {
  paidAt: Date | null
  sellerCredit: boolean
  /** Where the order goes (a blank country is the store's: the model fills it in). */
  shipTo: { postalCode: string | null; country: string }
}

function lineFromJson(l: JsonLine, orderId: number, placedAt: Date, terms: Terms): LineSnapshot {
  const shipments = l.shipments ?? []
  return {
    orderLineId: l.id,
    orderId,
    name: l.name ?? l.sku,
    supplierName: l.supplierName,
    line: {
      lineNo: l.lineNo, sku: l.sku, qty: l.qty, supplierId: l.supplierId, placedAt, promisedShipDate: l.promised, ...terms,
      leadTimeDays: l.leadTimeDays ?? 3, cancelledAt: l.cancelledAt ? new Date(l.cancelledAt) : null, cancelledQty: l.cancelledQty,
      shipFrom: { postalCode: l.fromPostal, country: l.fromCountry ?? '' },
    },
    pos: l.pos ?? [],
    services: new Map(shipments.flatMap((s) => (s.trackingNumber === null ? [] : [[s.trackingNumber, s.service]]))),
    signals: {
      supplierSignals: (l.signals ?? []).map((s) => ({
        messageId: s.messageId, status: s.status as SupplierStatus, qty: s.qty, expectedShipDate: s.expectedShipDate,
        receivedAt: new Date(s.receivedAt), source: s.source,
      })),
      shipments: shipments.map((s) => ({
        carrier: s.carrier, carrierName: carrierName(s.carrier), trackingNumber: s.trackingNumber, service: s.service, shippedAt: new Date(s.shippedAt), qty: s.qty, ...(s.replaced ? { replaced: true } : {}),
      })),
      // An untracked shipment (no number) has no scans or tracker to join.
      carrierEvents: shipments.flatMap(({ trackingNumber, events }) =>
        trackingNumber === null ? [] : (events ?? []).map((e) => ({
          trackingNumber, carrier: e.carrier, status: e.status as CarrierStatus, occurredAt: new Date(e.occurredAt),
          location: e.location, message: e.message, estimatedDelivery: e.estimatedDelivery,
        })),
      ),
      trackers: shipments.flatMap(({ trackingNumber, tracker }) => (tracker && trackingNumber !== null
        ? [{ trackingNumber, status: tracker.status as CarrierStatus, updatedAt: new Date(tracker.updatedAt) }]
        : [])),
      offer: l.availableQty === null && l.restockDate === null ? null : { availableQty: l.availableQty, restockDate: l.restockDate },
    },
  }
}

/** Loads an order with its lines and their signals in one statement; null when the order does not exist. */
export async function loadOrderSnapshot(db: Queryable, orderNumber: string): Promise<OrderSnapshot | null> {
  const [o] = await db.query<OrderRow & { country: string | null; paid_at: Date | null; seller_credit: boolean; lines: JsonLine[] }>(ORDER_SNAPSHOT_SQL, [orderNumberKey(orderNumber)])
  if (!o) return null
  return {
    orderId: o.order_id,
    orderNumber: o.order_number,
    placedAt: o.placed_at,
    customerEmail: o.email,
    customerName: o.name,
    postalCode: o.postal_code,
    lines: o.lines.map((l) => lineFromJson(l, o.order_id, o.placed_at, {
      paidAt: o.paid_at, sellerCredit: o.seller_credit, shipTo: { postalCode: o.postal_code, country: o.country ?? '' },
    })),
  }
}

/** Loads lines (of one order, of several, or by id) with signals, shipments, carrier events and offers. */
export async function loadLineSnapshots(
  db: Queryable,
  where: { orderId: number } | { orderIds: number[] } | { lineIds: number[] },
): Promise<LineSnapshot[]> {
  const lineRows = await db.query<{
    order_line_id: number; order_id: number; line_no: number; sku: string; qty: number; supplier_id: string | null
    promised: string | null; placed_at: Date; paid_at: Date | null; seller_credit: boolean; cancelled_at: Date | null; cancelled_qty: number | null
    name: string | null; supplier_name: string | null; lead_time_days: number | null
    available_qty: number | null; restock_date: string | null
    from_postal: string | null; from_country: string | null; to_postal: string | null; to_country: string | null
  }>(
    `SELECT l.order_line_id, l.order_id, l.line_no, l.sku, l.qty, l.supplier_id,
            coalesce(l.promised_ship_date, o.promised_ship_date)::text AS promised, o.placed_at, o.paid_at, o.seller_credit,
            l.cancelled_at, l.cancelled_qty, p.name, s.name AS supplier_name,
            coalesce(f.lead_time_days, s.lead_time_days) AS lead_time_days, f.available_qty, f.restock_date::text AS restock_date,
            s.postal_code AS from_postal, s.country AS from_country, o.postal_code AS to_postal, o.country AS to_country
       FROM order_lines l
       JOIN orders o ON o.order_id = l.order_id
       LEFT JOIN products p ON p.sku = l.sku
       LEFT JOIN suppliers s ON s.supplier_id = l.supplier_id
       LEFT JOIN offers f ON f.supplier_id = l.supplier_id AND f.sku = l.sku
      WHERE ${'orderId' in where ? 'l.order_id = $1' : 'orderIds' in where ? 'l.order_id = ANY($1::bigint[])' : 'l.order_line_id = ANY($1::bigint[])'}
      ORDER BY l.order_id, l.line_no`,
    ['orderId' in where ? where.orderId : 'orderIds' in where ? where.orderIds : where.lineIds],
  )
  if (lineRows.length === 0) return []
  const ids = lineRows.map((r) => r.order_line_id)
  const [pos, signals, shipments] = await Promise.all([
    db.query<{ order_line_id: number; po_number: string; po_line: string; supplier_id: string | null; active: boolean }>(
      `SELECT order_line_id, po_number, po_line, supplier_id, active FROM po_lines
        WHERE order_line_id = ANY($1::bigint[]) ORDER BY created_at, po_line_id`,
      [ids],
    ),
    db.query<{
      order_line_id: number; message_id: number; status: string; qty: number | null
      expected_ship_date: string | null; received_at: Date; source: string
    }>(
      `SELECT p.order_line_id, s.message_id, s.status, s.qty, s.expected_ship_date::text AS expected_ship_date, s.received_at, s.source
         FROM supplier_signals s JOIN po_lines p ON p.po_line_id = s.po_line_id
        WHERE p.order_line_id = ANY($1::bigint[]) AND p.active`,
      [ids],
    ),
    db.query<{
      order_line_id: number; carrier: string | null; tracking_number: string | null; service: string | null; shipped_at: Date; qty: number; replaced: boolean
    }>(
      `SELECT order_line_id, carrier, tracking_number, service, shipped_at, qty, replaced_at IS NOT NULL AS replaced FROM shipments
        WHERE order_line_id = ANY($1::bigint[]) ORDER BY shipped_at, shipment_id`,
      [ids],
    ),
  ])
  const numbers = [...new Set(shipments.flatMap((s) => (s.tracking_number === null ? [] : [s.tracking_number])))]
  const trackers = numbers.length === 0 ? [] : await db.query<{ tracking_number: string; status: string; updated_at: Date }>(
    'SELECT tracking_number, status, updated_at FROM tracker_status WHERE tracking_number = ANY($1::text[])',
    [numbers],
  )
  const events = numbers.length === 0 ? [] : await db.query<{
    tracking_number: string; carrier: string | null; status: string; occurred_at: Date
    location: string | null; message: string | null; estimated_delivery: string | null
  }>(
    `SELECT tracking_number, carrier, status, occurred_at, location, message, estimated_delivery::text AS estimated_delivery
       FROM carrier_events WHERE tracking_number = ANY($1::text[]) ORDER BY occurred_at, event_id`,
    [numbers],
  )
  // Grouped once by line (and parcel): filtering every list per line made a 500-line batch quadratic.
  const posOf = groupBy(pos, (p) => p.order_line_id)
  const signalsOf = groupBy(signals, (s) => s.order_line_id)
  const shipmentsOf = groupBy(shipments, (s) => s.order_line_id)
  const eventsOf = groupBy(events, (e) => e.tracking_number)
  const trackerOf = groupBy(trackers, (t) => t.tracking_number)
  return lineRows.map((r) => {
    const lineShipments = shipmentsOf.get(r.order_line_id) ?? []
    // Each number once, in the order of first shipping (as the per-line filter over all events gave them).
    const lineNumbers = [...new Set(lineShipments.flatMap((s) => (s.tracking_number === null ? [] : [s.tracking_number])))]
    const lineEvents = lineNumbers.length <= 1 ? (eventsOf.get(lineNumbers[0]!) ?? [])
      : events.filter((e) => lineNumbers.includes(e.tracking_number))
    const lineTrackers = lineNumbers.length <= 1 ? (trackerOf.get(lineNumbers[0]!) ?? [])
      : trackers.filter((t) => lineNumbers.includes(t.tracking_number))
    return {
      orderLineId: r.order_line_id,
      orderId: r.order_id,
      name: r.name ?? r.sku,
      supplierName: r.supplier_name,
      line: {
        lineNo: r.line_no,
        sku: r.sku,
        qty: r.qty,
        supplierId: r.supplier_id,
        placedAt: r.placed_at,
        paidAt: r.paid_at,
        sellerCredit: r.seller_credit,
        promisedShipDate: r.promised,
        leadTimeDays: r.lead_time_days ?? 3,
        cancelledAt: r.cancelled_at,
        cancelledQty: r.cancelled_qty,
        shipFrom: { postalCode: r.from_postal, country: r.from_country ?? '' },
        shipTo: { postalCode: r.to_postal, country: r.to_country ?? '' },
      },
      pos: (posOf.get(r.order_line_id) ?? []).map((p) => ({ poNumber: p.po_number, poLine: p.po_line, supplierId: p.supplier_id, active: p.active })),
      services: new Map(lineShipments.flatMap((s) => (s.tracking_number === null ? [] : [[s.tracking_number, s.service]]))),
      signals: {
        supplierSignals: (signalsOf.get(r.order_line_id) ?? []).map((s): SupplierSignal => ({
          messageId: s.message_id,
          status: s.status as SupplierStatus,
          qty: s.qty,
          expectedShipDate: s.expected_ship_date,
          receivedAt: s.received_at,
          source: s.source,
        })),
        shipments: lineShipments.map((s): Shipment => ({
          carrier: s.carrier,
          carrierName: carrierName(s.carrier),
          trackingNumber: s.tracking_number,
          service: s.service,
          shippedAt: s.shipped_at,
          qty: s.qty,
          ...(s.replaced ? { replaced: true } : {}),
        })),
        carrierEvents: lineEvents.map((e): CarrierEvent => ({
          trackingNumber: e.tracking_number,
          carrier: e.carrier,
          status: e.status as CarrierStatus,
          occurredAt: e.occurred_at,
          location: e.location,
          message: e.message,
          estimatedDelivery: e.estimated_delivery,
        })),
        trackers: lineTrackers.map((t): TrackerView => ({ trackingNumber: t.tracking_number, status: t.status as CarrierStatus, updatedAt: t.updated_at })),
        offer: r.available_qty === null && r.restock_date === null ? null : { availableQty: r.available_qty, restockDate: r.restock_date },
      },
    }
  })
}

/** Rows by key, each group in the rows' order. */
function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = out.get(k)
    if (list) list.push(row)
    else out.set(k, [row])
  }
  return out
}

/**
 * Days from a supplier's backorder signal to the line's first shipment, over its recent
 * backorders: the sample an unknown backorder ETA is estimated from.
 */
export async function loadBackorderHistory(db: Queryable, supplierId: string, now: Date): Promise<number[]> {
  const rows = await db.query<{ days: number }>(
    `SELECT extract(epoch FROM (min(sh.shipped_at) - min(s.received_at))) / 86400 AS days
       FROM supplier_signals s
       JOIN po_lines p ON p.po_line_id = s.po_line_id
       JOIN shipments sh ON sh.order_line_id = p.order_line_id
      WHERE s.supplier_id = $1 AND s.status = 'backordered' AND s.received_at > $2::timestamptz - interval '365 days'
      GROUP BY p.order_line_id
     HAVING min(sh.shipped_at) > min(s.received_at)`,
    [supplierId, now],
  )
  return rows.map((r) => Math.max(0, Math.round(Number(r.days))))
}

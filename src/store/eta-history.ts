/**
 * The observations the ETA model learns from (src/domain/estimate/learn.ts), read as they stood
 * at one moment: only shipments, deliveries and supplier words that had arrived by then, each
 * with the day wismo learned it (the day its message came in), in the store's zone.
 */
import type { Queryable } from './db.ts'
import { serviceLevel } from '../domain/service-level.ts'
import type { HandoffObs, BackorderObs, Observations, OpenObs, OutcomeObs, SlipObs, TransitObs } from '../domain/estimate/learn.ts'
import { loadDeliveredLines } from './accuracy.ts'
import type { IsoDate } from '../domain/types.ts'
import { addCalendarDays } from '../domain/calendar.ts'

export interface HistoryScope {
  /** The moment the history is read at: nothing that arrived after it counts. */
  now: Date
  /** The first day read (older history weighs too little to matter). */
  oldest: IsoDate
  asOf: IsoDate
  timeZone: string
  country: string
}

/** Each line's first shipment known by `now`, with the day its message came in. */
const FIRST_SHIPMENTS = `
  SELECT DISTINCT ON (sh.order_line_id) sh.order_line_id, sh.shipped_at,
         (sh.shipped_at AT TIME ZONE $3)::date::text AS ship,
         (greatest(sh.shipped_at, coalesce(m.received_at, sh.shipped_at)) AT TIME ZONE $3)::date::text AS known
    FROM shipments sh LEFT JOIN inbound_messages m ON m.message_id = sh.message_id
   WHERE sh.shipped_at >= ($2::date - 60) AND sh.shipped_at <= $1 AND coalesce(m.received_at, sh.shipped_at) <= $1
   ORDER BY sh.order_line_id, sh.shipped_at, sh.shipment_id`

async function handoffs(db: Queryable, s: HistoryScope): Promise<HandoffObs[]> {
  const rows = await db.query<{ supplier: string; start: string; ship: string; known: string }>(
    `WITH first AS (${FIRST_SHIPMENTS})
     SELECT l.supplier_id AS supplier, (coalesce(o.paid_at, o.placed_at) AT TIME ZONE $3)::date::text AS start, f.ship, f.known
       FROM first f JOIN order_lines l ON l.order_line_id = f.order_line_id JOIN orders o ON o.order_id = l.order_id
      WHERE l.supplier_id IS NOT NULL AND f.known >= $2::date::text`,
    [s.now, s.oldest, s.timeZone],
  )
  return rows.filter((r) => r.ship >= r.start)
}

async function backorders(db: Queryable, s: HistoryScope): Promise<{ backorder: BackorderObs[]; slip: SlipObs[] }> {
  const rows = await db.query<{ supplier: string; start: string; stated: string | null; ship: string; known: string }>(
    `WITH first AS (${FIRST_SHIPMENTS})
     SELECT l.supplier_id AS supplier, f.ship, f.known,
            (SELECT (min(sg.received_at) AT TIME ZONE $3)::date::text FROM supplier_signals sg JOIN po_lines p ON p.po_line_id = sg.po_line_id
              WHERE p.order_line_id = f.order_line_id AND sg.status = 'backordered' AND sg.received_at < f.shipped_at) AS start,
            (SELECT sg.expected_ship_date::text FROM supplier_signals sg JOIN po_lines p ON p.po_line_id = sg.po_line_id
              WHERE p.order_line_id = f.order_line_id AND sg.expected_ship_date IS NOT NULL AND sg.received_at < f.shipped_at
                AND sg.status IN ('backordered', 'accepted')
              ORDER BY sg.received_at DESC, sg.signal_id DESC LIMIT 1) AS stated
       FROM first f JOIN order_lines l ON l.order_line_id = f.order_line_id
      WHERE l.supplier_id IS NOT NULL AND f.known >= $2::date::text`,
    [s.now, s.oldest, s.timeZone],
  )
  return {
    backorder: rows.filter((r) => r.start !== null && r.ship >= r.start).map((r) => ({ supplier: r.supplier, start: r.start, ship: r.ship, known: r.known })),
    slip: rows.filter((r) => r.stated !== null).map((r) => ({ supplier: r.supplier, stated: r.stated as string, ship: r.ship, known: r.known })),
  }
}

async function transits(db: Queryable, s: HistoryScope): Promise<TransitObs[]> {
  const rows = await db.query<{ carrier: string | null; service: string | null; ship: string; delivered: string; known: string; sp: string | null; sc: string; op: string | null; oc: string }>(
    `SELECT DISTINCT ON (sh.tracking_number) sh.carrier, sh.service,
            (sh.shipped_at AT TIME ZONE $3)::date::text AS ship, (d.occurred_at AT TIME ZONE $3)::date::text AS delivered,
            (greatest(d.occurred_at, coalesce(m.received_at, d.occurred_at)) AT TIME ZONE $3)::date::text AS known,
            su.postal_code AS sp, coalesce(su.country, $4) AS sc, o.postal_code AS op, coalesce(o.country, $4) AS oc
       FROM shipments sh
       JOIN order_lines l ON l.order_line_id = sh.order_line_id JOIN orders o ON o.order_id = l.order_id
       LEFT JOIN suppliers su ON su.supplier_id = l.supplier_id
       JOIN LATERAL (SELECT e.occurred_at, e.message_id FROM carrier_events e
                      WHERE e.tracking_number = sh.tracking_number AND e.status = 'delivered' AND e.occurred_at <= $1
                      ORDER BY e.occurred_at LIMIT 1) d ON true
       LEFT JOIN inbound_messages m ON m.message_id = d.message_id
      WHERE sh.shipped_at >= ($2::date - 30) AND sh.shipped_at <= $1 AND coalesce(m.received_at, d.occurred_at) <= $1
      ORDER BY sh.tracking_number, sh.shipped_at`,
    [s.now, s.oldest, s.timeZone, s.country],
  )
  return rows
    .filter((r) => r.known >= s.oldest)
    .map((r) => ({
      level: serviceLevel(r.carrier, r.service), ship: r.ship, delivered: r.delivered, known: r.known,
      from: { postalCode: r.sp, country: r.sc }, to: { postalCode: r.op, country: r.oc },
    }))
}

/**
 * Lines not shipped by `now` (and not cancelled or refused: those never ship): hand-offs and
 * backorders still under way, which the model must count or it learns only the short ones.
 */
async function stillOpen(db: Queryable, s: HistoryScope): Promise<{ handoff: OpenObs[]; backorder: OpenObs[] }> {
  const rows = await db.query<{ supplier: string; start: string; bo_start: string | null }>(
    `SELECT l.supplier_id AS supplier, (coalesce(o.paid_at, o.placed_at) AT TIME ZONE $3)::date::text AS start,
            (SELECT (min(sg.received_at) AT TIME ZONE $3)::date::text FROM supplier_signals sg JOIN po_lines p ON p.po_line_id = sg.po_line_id
              WHERE p.order_line_id = l.order_line_id AND sg.status = 'backordered' AND sg.received_at <= $1) AS bo_start
       FROM order_lines l JOIN orders o ON o.order_id = l.order_id
      WHERE l.supplier_id IS NOT NULL AND o.placed_at <= $1 AND o.placed_at >= $2::date AND l.cancelled_at IS NULL
        AND l.state NOT IN ('cancelled', 'unavailable')
        AND NOT EXISTS (SELECT 1 FROM shipments sh WHERE sh.order_line_id = l.order_line_id AND sh.shipped_at <= $1)`,
    [s.now, s.oldest, s.timeZone],
  )
  return {
    handoff: rows.map((r) => ({ supplier: r.supplier, start: r.start, known: s.asOf })),
    backorder: rows.filter((r) => r.bo_start !== null).map((r) => ({ supplier: r.supplier, start: r.bo_start as string, known: s.asOf })),
  }
}

/** The learned windows wismo stated at the calibrated milestones, for lines delivered in the scope. */
async function outcomes(db: Queryable, s: HistoryScope): Promise<OutcomeObs[]> {
  const lines = await loadDeliveredLines(db, { from: s.oldest, to: s.asOf, timeZone: s.timeZone, country: s.country })
  const out: OutcomeObs[] = []
  for (const l of lines) {
    for (const m of ['ordered', 'shipped'] as const) {
      const st = l.stated[m]
      // A late delivery was a miss the day after its window closed, not only when it came.
      if (st && st.basis) out.push({ milestone: m, earliest: st.earliest, latest: st.latest, delivered: l.delivered, known: l.delivered > st.latest ? addCalendarDays(st.latest, 1) : l.delivered })
    }
  }
  return [...out, ...(await overdue(db, s))]
}

/**
 * Learned windows of lines not delivered whose window has already closed: certain misses, known
 * the day after the window's last day. Waiting for their delivery would tell calibration of a
 * slowdown weeks late — in a peak, when it matters.
 */
async function overdue(db: Queryable, s: HistoryScope): Promise<OutcomeObs[]> {
  const rows = await db.query<{ milestone: 'ordered' | 'shipped'; earliest: string; latest: string }>(
    `SELECT m.milestone, m.earliest, m.latest FROM (
       SELECT DISTINCT ON (h.order_line_id) 'ordered' AS milestone, h.eta_earliest::text AS earliest, h.eta_latest::text AS latest, h.eta_basis
         FROM line_state_history h JOIN order_lines l ON l.order_line_id = h.order_line_id
        WHERE l.state <> 'delivered' AND h.changed_at <= $1 AND h.changed_at >= $2::date
        ORDER BY h.order_line_id, h.changed_at, h.history_id) m
      WHERE m.eta_basis IS NOT NULL AND m.latest < $3::date::text
     UNION ALL
     SELECT m.milestone, m.earliest, m.latest FROM (
       SELECT DISTINCT ON (h.order_line_id) 'shipped' AS milestone, h.eta_earliest::text AS earliest, h.eta_latest::text AS latest, h.eta_basis
         FROM line_state_history h JOIN order_lines l ON l.order_line_id = h.order_line_id
        WHERE l.state <> 'delivered' AND h.state IN ('in_transit', 'out_for_delivery', 'exception') AND h.changed_at <= $1 AND h.changed_at >= $2::date
        ORDER BY h.order_line_id, h.changed_at, h.history_id) m
      WHERE m.eta_basis IS NOT NULL AND m.latest < $3::date::text`,
    [s.now, s.oldest, s.asOf],
  )
  // No delivery day yet: "after the window" is all calibration needs to know.
  return rows.map((r) => ({ milestone: r.milestone, earliest: r.earliest ?? r.latest, latest: r.latest, delivered: addCalendarDays(r.latest, 1), known: addCalendarDays(r.latest, 1) }))
}

/** Everything the model learns from, as known at `scope.now`. */
export async function loadObservations(db: Queryable, scope: HistoryScope): Promise<Observations> {
  const [handoff, bo, transit, outs, open] = await Promise.all([handoffs(db, scope), backorders(db, scope), transits(db, scope), outcomes(db, scope), stillOpen(db, scope)])
  return { handoff, openHandoff: open.handoff, backorder: bo.backorder, openBackorder: open.backorder, slip: bo.slip, transit, outcomes: outs }
}

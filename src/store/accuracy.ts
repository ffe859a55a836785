/**
 * `wismo accuracy` and the dashboard's chart read the same rows here: each line delivered in a
 * period, with every ETA its history stated (line_state_history, written by the sweep on every
 * change of state or ETA) and the keys it is grouped by. The figures are src/domain/accuracy.ts.
 */
import type { Queryable } from './db.ts'
import { accuracyReport, laneKey, lineOutcome, type AccuracyBy, type AccuracyReport, type DeliveredLine, type StatedRow } from '../domain/accuracy.ts'
import type { IsoDate } from '../domain/types.ts'

export interface AccuracyPeriod {
  from: IsoDate
  to: IsoDate
  /** The store's zone: a line's delivery day and each entry's day are its. */
  timeZone: string
  /** The store's country (WISMO_COUNTRY), for an order or supplier that names none. */
  country: string
}

interface HistoryRow { order_line_id: number; state: string; earliest: string | null; latest: string | null; source: string | null; basis: string | null; day: string }
interface KeyRow { order_line_id: number; supplier: string; carrier: string; sp: string | null; sc: string; op: string | null; oc: string }

/** Lines with a delivered entry dated in the period and delivered now (a superset: the domain keeps the final delivery's day). */
async function candidateLines(db: Queryable, p: AccuracyPeriod): Promise<number[]> {
  const rows = await db.query<{ order_line_id: number }>(
    // Two index range scans (line_state_history_delivered) rather than one coalesce no index serves.
    `SELECT h.order_line_id FROM (
       SELECT order_line_id FROM line_state_history WHERE state = 'delivered' AND eta_latest BETWEEN $1::date AND $2::date
       UNION
       SELECT order_line_id FROM line_state_history WHERE state = 'delivered' AND eta_latest IS NULL
          AND (changed_at AT TIME ZONE $3)::date BETWEEN $1::date AND $2::date) h
      JOIN order_lines l ON l.order_line_id = h.order_line_id WHERE l.state = 'delivered'`,
    [p.from, p.to, p.timeZone],
  )
  return rows.map((r) => Number(r.order_line_id))
}

async function historyOf(db: Queryable, ids: number[], timeZone: string): Promise<Map<number, StatedRow[]>> {
  const rows = await db.query<HistoryRow>(
    `SELECT order_line_id, state, eta_earliest::text AS earliest, eta_latest::text AS latest, eta_source AS source, eta_basis AS basis,
            (changed_at AT TIME ZONE $2)::date::text AS day
       FROM line_state_history WHERE order_line_id = ANY($1::bigint[]) ORDER BY order_line_id, changed_at, history_id`,
    [ids, timeZone],
  )
  const out = new Map<number, StatedRow[]>()
  for (const r of rows) {
    const id = Number(r.order_line_id)
    const list = out.get(id) ?? out.set(id, []).get(id)!
    list.push({ state: r.state, earliest: r.earliest, latest: r.latest, source: r.source, basis: r.basis, day: r.day })
  }
  return out
}

/** Supplier, carrier (of the line's latest parcel) and lane of each line. */
async function keysOf(db: Queryable, ids: number[], country: string): Promise<Map<number, DeliveredLine['keys']>> {
  const rows = await db.query<KeyRow>(
    `SELECT l.order_line_id, coalesce(l.supplier_id, 'none') AS supplier,
            coalesce((SELECT sh.carrier FROM shipments sh WHERE sh.order_line_id = l.order_line_id
                       ORDER BY sh.shipped_at DESC, sh.shipment_id DESC LIMIT 1), 'unknown') AS carrier,
            s.postal_code AS sp, coalesce(s.country, $2) AS sc, o.postal_code AS op, coalesce(o.country, $2) AS oc
       FROM order_lines l JOIN orders o ON o.order_id = l.order_id LEFT JOIN suppliers s ON s.supplier_id = l.supplier_id
      WHERE l.order_line_id = ANY($1::bigint[])`,
    [ids, country],
  )
  return new Map(rows.map((r) => [Number(r.order_line_id), {
    supplier: r.supplier, carrier: r.carrier,
    lane: laneKey({ postalCode: r.sp, country: r.sc }, { postalCode: r.op, country: r.oc }),
  }]))
}

/** The lines delivered in the period (days in the store's zone, both included), with their stated ETAs. */
export async function loadDeliveredLines(db: Queryable, p: AccuracyPeriod): Promise<DeliveredLine[]> {
  const ids = await candidateLines(db, p)
  if (ids.length === 0) return []
  const [history, keys] = await Promise.all([historyOf(db, ids, p.timeZone), keysOf(db, ids, p.country)])
  const out: DeliveredLine[] = []
  for (const id of ids.sort((a, b) => a - b)) {
    const outcome = lineOutcome(history.get(id) ?? [])
    if (outcome && p.from <= outcome.delivered && outcome.delivered <= p.to) out.push({ ...outcome, keys: keys.get(id)! })
  }
  return out
}

/** The accuracy report (DESIGN.md "Truthful dates") of the lines delivered in the period. */
export async function readAccuracy(db: Queryable, p: AccuracyPeriod, by: AccuracyBy | null = null): Promise<AccuracyReport> {
  return accuracyReport(await loadDeliveredLines(db, p), p, by)
}

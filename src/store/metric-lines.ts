/**
 * The order lines behind each number on the dashboard (`/console/lines?metric=…`): every figure
 * opens the list it counts, read through the same definition, so the two always agree.
 */
import type { Queryable } from './db.ts'
import { OPEN_BACKORDERS_DEFINITION, openBackorderIds } from './open-backorders.ts'
import { firstNoticesSql, noticesFrom } from './dashboard.ts'

export const METRIC_IDS = ['open_backorders', 'open_lines', 'delay_notices'] as const
export type MetricId = (typeof METRIC_IDS)[number]

export const METRICS: Record<MetricId, { title: string; definition: string }> = {
  open_backorders: { title: 'Open backorders', definition: OPEN_BACKORDERS_DEFINITION },
  open_lines: { title: 'Open lines', definition: 'Order lines not yet delivered or cancelled, in the state the last sweep found them.' },
  delay_notices: {
    title: 'Delay notices (8 weeks)',
    definition: 'Lines whose first delay notice (FTC record) was sent in the last 8 weeks: on time when the customer was told ' +
      'on or before the line\'s applicable date (the store\'s days), late otherwise.',
  },
}

export const isMetricId = (v: unknown): v is MetricId => typeof v === 'string' && (METRIC_IDS as readonly string[]).includes(v)

export interface MetricLine {
  orderNumber: string
  lineNo: number
  sku: string
  name: string | null
  supplierId: string | null
  supplierName: string | null
  state: string
  placedAt: string
  /** The latest day of the line's ETA as last derived (null: unknown). */
  etaLatest: string | null
  /** What the metric adds: the notice's day and whether it was on time. */
  note: string | null
}

export interface MetricListOptions {
  now: Date
  timeZone: string
  supplierId?: string
  /** 1-based. */
  page?: number
  pageSize?: number
}

/** The ids (and a note) of the lines a metric counts; `$1` is now, `$2` the store's zone, `$6` the notices' window start. */
function idsSql(metric: MetricId): string {
  switch (metric) {
    case 'open_backorders':
      return `SELECT order_line_id, NULL::text AS note, 0 AS rank FROM (${openBackorderIds('$1')}) b`
    case 'open_lines':
      return `SELECT order_line_id, NULL::text AS note, 0 AS rank FROM order_lines WHERE NOT closed`
    case 'delay_notices':
      return `SELECT order_line_id, (CASE WHEN on_time THEN 'on time' ELSE 'late' END) || ': told ' || told_day || ', applicable ' || applicable_date AS note,
                     CASE WHEN on_time THEN 1 ELSE 0 END AS rank
                FROM (${firstNoticesSql('$6', '$2')}) n`
  }
}

/** One page of the lines a metric counts (late notices first, then oldest orders first), and how many there are. */
export async function listMetricLines(db: Queryable, metric: MetricId, opts: MetricListOptions): Promise<{ total: number; rows: MetricLine[] }> {
  const size = opts.pageSize ?? 250
  const offset = (Math.max(1, opts.page ?? 1) - 1) * size
  const rows = await db.query<{
    total: number; order_number: string; line_no: number; sku: string; name: string | null; supplier_id: string | null
    supplier_name: string | null; state: string; placed_at: Date; eta_latest: string | null; note: string | null
  }>(
    // \`params\` types every parameter, whichever of them this metric's ids use.
    `WITH params AS (SELECT $1::timestamptz AS now, $2::text AS zone, $6::timestamptz AS notices_from),
     m AS (${idsSql(metric)}),
     hit AS (SELECT m.*, l.order_id, l.line_no, l.sku, l.supplier_id, l.state, l.state_eta_latest FROM m JOIN order_lines l ON l.order_line_id = m.order_line_id
              WHERE $3::text IS NULL OR l.supplier_id = $3)
     SELECT count(*) OVER ()::int AS total, o.order_number, h.line_no, h.sku, p.name, h.supplier_id, s.name AS supplier_name, h.state,
            o.placed_at, h.state_eta_latest::text AS eta_latest, h.note
       FROM hit h JOIN orders o ON o.order_id = h.order_id
       LEFT JOIN products p ON p.sku = h.sku
       LEFT JOIN suppliers s ON s.supplier_id = h.supplier_id
      ORDER BY h.rank, o.placed_at, o.order_number, h.line_no
      LIMIT $4 OFFSET $5`,
    [opts.now, opts.timeZone, opts.supplierId ?? null, size, offset, noticesFrom(opts.now)],
  )
  const total = rows[0]?.total ?? (offset > 0 ? (await listMetricLines(db, metric, { ...opts, page: 1 })).total : 0)
  return {
    total,
    rows: rows.map((r) => ({
      orderNumber: r.order_number, lineNo: r.line_no, sku: r.sku, name: r.name, supplierId: r.supplier_id, supplierName: r.supplier_name,
      state: r.state, placedAt: r.placed_at.toISOString(), etaLatest: r.eta_latest, note: r.note,
    })),
  }
}

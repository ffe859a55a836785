/**
 * The operations dashboard's numbers, straight from the system of record. Each function returns
 * a small table: labels down the side, one series per column. Days and weeks are the store's.
 */
import type { Queryable } from './db.ts'
import { localDaysBack, pivot, type ChartTable } from './chart-table.ts'

export type { ChartTable }

const DAY_MS = 86_400_000

/** Suppliers by name, for series that keep the same order (and colour) on every chart. */
async function supplierNames(db: Queryable): Promise<string[]> {
  return (await db.query<{ name: string }>('SELECT name FROM suppliers ORDER BY name')).map((r) => r.name)
}
const NO_SUPPLIER = 'no supplier'

/**
 * Open backorders by supplier, day by day (the one definition, `open_backorders_at`): each day's
 * figure is the count at the end of that day in the store's zone, today's the count now — the
 * dashboard's headline.
 */
export async function backordersBySupplier(db: Queryable, now: Date, timeZone: string, days = 30): Promise<ChartTable> {
  const { labels } = localDaysBack(now, timeZone, days)
  const rows = await db.query<{ label: string; series: string; value: number }>(
    `WITH days AS (
       SELECT d::date AS day, least(((d::date + 1)::timestamp AT TIME ZONE $3), $4::timestamptz) AS at
         FROM generate_series($1::date, $2::date, interval '1 day') d)
     SELECT days.day::text AS label, coalesce(s.name, '${NO_SUPPLIER}') AS series, count(*)::int AS value
       FROM days
      CROSS JOIN LATERAL open_backorders_at(days.at) b
       JOIN order_lines l ON l.order_line_id = b.order_line_id
       LEFT JOIN suppliers s ON s.supplier_id = l.supplier_id
      GROUP BY 1, 2`,
    [labels[0], labels[labels.length - 1], timeZone, now],
  )
  return pivot(labels, rows, await seriesOf(db, rows))
}

/** Every supplier, in name order, and "no supplier" only when some row has none. */
async function seriesOf(db: Queryable, rows: { series: string }[]): Promise<string[]> {
  const names = await supplierNames(db)
  return rows.some((r) => r.series === NO_SUPPLIER) ? [...names, NO_SUPPLIER] : names
}

export const AGE_BUCKETS = ['0–7 days', '8–14 days', '15–30 days', '31–60 days', 'over 60 days']

/** Calendar days (the store's) since the order was placed, into AGE_BUCKETS. */
const AGE_SQL = `CASE WHEN age <= 7 THEN 0 WHEN age <= 14 THEN 1 WHEN age <= 30 THEN 2 WHEN age <= 60 THEN 3 ELSE 4 END`

/** Open backorders now (the same definition as the headline) by how long the customer has waited since ordering, per supplier. */
export async function backorderAging(db: Queryable, now: Date, timeZone: string): Promise<ChartTable> {
  const rows = await db.query<{ bucket: number; series: string; value: number }>(
    `SELECT ${AGE_SQL} AS bucket, series, count(*)::int AS value
       FROM (SELECT ($1::timestamptz AT TIME ZONE $2)::date - (o.placed_at AT TIME ZONE $2)::date AS age,
                    coalesce(s.name, '${NO_SUPPLIER}') AS series
               FROM open_backorders_at($1) b
               JOIN order_lines l ON l.order_line_id = b.order_line_id
               JOIN orders o ON o.order_id = l.order_id
               LEFT JOIN suppliers s ON s.supplier_id = l.supplier_id) x
      GROUP BY 1, 2`,
    [now, timeZone],
  )
  const cells = rows.map((r) => ({ label: AGE_BUCKETS[Number(r.bucket)], series: r.series, value: r.value }))
  return pivot(AGE_BUCKETS, cells, await seriesOf(db, cells))
}

/**
 * Hours from a supplier's signal to the customer's message about it, p50 and p90 by week: each
 * customer message is paired with the newest signal on its order received before it.
 */
export async function signalToMessage(db: Queryable, now: Date, timeZone: string, weeks = 8): Promise<ChartTable> {
  const rows = await db.query<{ week: string; p50: number | null; p90: number | null; n: number }>(
    `SELECT date_trunc('week', told_at AT TIME ZONE $2)::date::text AS week,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS p50,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90, count(*)::int AS n
       FROM (SELECT coalesce(n.sent_at, n.created_at) AS told_at,
                    extract(epoch FROM coalesce(n.sent_at, n.created_at) - sig.received_at) / 3600 AS hours
               FROM notifications n
               JOIN LATERAL (
                 SELECT max(sg.received_at) AS received_at
                   FROM order_lines l JOIN po_lines po ON po.order_line_id = l.order_line_id
                   JOIN supplier_signals sg ON sg.po_line_id = po.po_line_id
                  WHERE l.order_id = n.order_id AND sg.received_at <= n.created_at
               ) sig ON sig.received_at IS NOT NULL
              WHERE n.order_id IS NOT NULL AND n.supplier_id IS NULL AND n.status IN ('sent', 'queued')
                AND n.created_at >= $1) x
      GROUP BY 1 ORDER BY 1`,
    [new Date(now.getTime() - weeks * 7 * DAY_MS), timeZone],
  )
  const round = (v: number | null) => (v === null ? 0 : Math.round(Number(v) * 10) / 10)
  return {
    labels: rows.map((r) => r.week),
    series: [
      { name: 'p50 hours', values: rows.map((r) => round(r.p50)) },
      { name: 'p90 hours', values: rows.map((r) => round(r.p90)) },
      { name: 'messages', values: rows.map((r) => r.n) },
    ],
  }
}

/**
 * First delay notices per week, from the FTC record itself (`delay_notices`): on time when the
 * customer was told (the message's send time, else when the notice was recorded) on or before the
 * line's applicable date, counted in the store's time zone; late otherwise. A line cancelled
 * because no notice reached the customer in time (`no_notice`) counts once, as late, in the week
 * of its cancellation (no late notice is sent any more: such a line is cancelled instead).
 */
export async function delayNoticesOnTime(db: Queryable, now: Date, timeZone: string, weeks = 8): Promise<ChartTable> {
  const rows = await db.query<{ week: string; on_time: number; late: number }>(
    `SELECT date_trunc('week', x.told_day)::date::text AS week,
            count(*) FILTER (WHERE x.on_time)::int AS on_time,
            count(*) FILTER (WHERE NOT x.on_time)::int AS late
       FROM (${firstNoticesSql('$1', '$2')}) x
      GROUP BY 1 ORDER BY 1`,
    [noticesFrom(now, weeks), timeZone],
  )
  return {
    labels: rows.map((r) => r.week),
    series: [
      { name: 'on time', values: rows.map((r) => r.on_time) },
      { name: 'late', values: rows.map((r) => r.late) },
    ],
  }
}

/** The start of the notices' window: `weeks` weeks before now. */
export const noticesFrom = (now: Date, weeks = 8): Date => new Date(now.getTime() - weeks * 7 * DAY_MS)

/**
 * The first delay notices recorded since `from` (SQL expressions for the instant and the store's
 * zone), one row per notice: its line, the day the customer was told and whether that was on time.
 * The chart and the list of lines behind it both read this.
 */
export function firstNoticesSql(from: string, timeZone: string): string {
  // A line cancelled because no complete notice reached the customer in time (no_notice) counts
  // once, as late, on its cancellation day, whatever notice it may have had.
  return `SELECT d.order_line_id, d.applicable_date, y.told_day, y.told_day <= d.applicable_date AS on_time
            FROM delay_notices d LEFT JOIN notifications n ON n.notification_id = d.notification_id
           CROSS JOIN LATERAL (SELECT (coalesce(n.sent_at, d.created_at) AT TIME ZONE ${timeZone})::date AS told_day) y
           WHERE d.kind = 'first' AND d.created_at >= ${from}
             AND NOT EXISTS (SELECT 1 FROM ftc_cancellations c WHERE c.order_line_id = d.order_line_id AND c.reason = 'no_notice')
          UNION ALL
          SELECT c.order_line_id, NULL::date, (c.cancelled_at AT TIME ZONE ${timeZone})::date, false
            FROM ftc_cancellations c WHERE c.reason = 'no_notice' AND c.cancelled_at >= ${from}`
}

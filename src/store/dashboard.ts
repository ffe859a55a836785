/**
 * The operations dashboard's numbers, straight from the system of record. Each function returns
 * a small table: labels down the side, one series per column.
 */
import type { Queryable } from './db.ts'
import { URGENCY } from '../domain/types.ts'

const ORDER_STATES: readonly string[] = URGENCY

export interface ChartTable {
  labels: string[]
  series: { name: string; values: number[] }[]
}

const DAY_MS = 86_400_000
const isoDay = (d: Date) => d.toISOString().slice(0, 10)

/** Pivots (label, series, value) rows into a table; missing cells are 0. */
function pivot(labels: string[], rows: { label: string; series: string; value: number }[], seriesOrder?: string[]): ChartTable {
  const names = seriesOrder ?? [...new Set(rows.map((r) => r.series))].sort()
  const at = new Map(rows.map((r) => [`${r.label}\u0000${r.series}`, r.value]))
  return { labels, series: names.map((name) => ({ name, values: labels.map((l) => at.get(`${l}\u0000${name}`) ?? 0) })) }
}

function lastDays(now: Date, days: number): string[] {
  return Array.from({ length: days }, (_, i) => isoDay(new Date(now.getTime() - (days - 1 - i) * DAY_MS)))
}

/**
 * Open backorders by supplier, day by day: a line counts on a day when the latest word from its
 * supplier by the end of that day was "backordered" and it had neither shipped nor been cancelled.
 */
export async function backordersBySupplier(db: Queryable, now: Date, days = 30): Promise<ChartTable> {
  const labels = lastDays(now, days)
  const rows = await db.query<{ label: string; series: string; value: number }>(
    `WITH days AS (SELECT generate_series($1::date, $2::date, interval '1 day')::date AS day)
     SELECT d.day::text AS label, s.name AS series, count(*)::int AS value
       FROM days d
       JOIN LATERAL (
         SELECT DISTINCT ON (po.order_line_id) po.order_line_id, sg.status
           FROM supplier_signals sg JOIN po_lines po ON po.po_line_id = sg.po_line_id
          WHERE sg.received_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
          ORDER BY po.order_line_id, sg.received_at DESC, sg.message_id DESC, (sg.status = 'backordered') DESC
       ) last ON last.status = 'backordered'
       JOIN order_lines l ON l.order_line_id = last.order_line_id
       JOIN suppliers s ON s.supplier_id = l.supplier_id
      WHERE NOT EXISTS (SELECT 1 FROM shipments sh WHERE sh.order_line_id = l.order_line_id AND sh.shipped_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC')
        AND (l.cancelled_at IS NULL OR l.cancelled_at >= (d.day + 1)::timestamp AT TIME ZONE 'UTC')
      GROUP BY 1, 2`,
    [labels[0], labels[labels.length - 1]],
  )
  return pivot(labels, rows)
}

export const AGE_BUCKETS = ['0–2 days', '3–7 days', '8–14 days', '15–30 days', 'over 30 days']

/** Open lines by how long ago they were ordered, per state. */
export async function agingOfOpenLines(db: Queryable, now: Date): Promise<ChartTable> {
  const rows = await db.query<{ bucket: number; series: string; value: number }>(
    `SELECT CASE WHEN age < 3 THEN 0 WHEN age < 8 THEN 1 WHEN age < 15 THEN 2 WHEN age <= 30 THEN 3 ELSE 4 END AS bucket,
            state AS series, count(*)::int AS value
       FROM (SELECT extract(epoch FROM $1::timestamptz - o.placed_at) / 86400 AS age, l.state
               FROM order_lines l JOIN orders o ON o.order_id = l.order_id WHERE NOT l.closed) x
      GROUP BY 1, 2`,
    [now],
  )
  return pivot(AGE_BUCKETS, rows.map((r) => ({ label: AGE_BUCKETS[Number(r.bucket)], series: r.series, value: r.value })), ORDER_STATES.filter((s) => rows.some((r) => r.series === s)))
}

/**
 * Hours from a supplier's signal to the customer's message about it, p50 and p90 by week: each
 * customer message is paired with the newest signal on its order received before it.
 */
export async function signalToMessage(db: Queryable, now: Date, weeks = 8): Promise<ChartTable> {
  const rows = await db.query<{ week: string; p50: number | null; p90: number | null; n: number }>(
    `SELECT date_trunc('week', told_at)::date::text AS week,
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
    [new Date(now.getTime() - weeks * 7 * DAY_MS)],
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

/** "Where is my order" answered without a person (page, API, …) versus rep tasks opened, per day. */
export async function deflection(db: Queryable, now: Date, days = 30): Promise<ChartTable> {
  const labels = lastDays(now, days)
  const from = new Date(`${labels[0]}T00:00:00Z`)
  const contacts = await db.query<{ label: string; series: string; value: number }>(
    `SELECT (at AT TIME ZONE 'UTC')::date::text AS label,
            CASE WHEN outcome = 'deflected' THEN 'answered by ' || channel ELSE 'handed to a rep (' || channel || ')' END AS series,
            count(*)::int AS value
       FROM contacts WHERE at >= $1 GROUP BY 1, 2`,
    [from],
  )
  const tasks = await db.query<{ label: string; series: string; value: number }>(
    `SELECT (created_at AT TIME ZONE 'UTC')::date::text AS label, 'rep tasks opened' AS series, count(*)::int AS value
       FROM tasks WHERE created_at >= $1 GROUP BY 1, 2`,
    [from],
  )
  const rows = [...contacts, ...tasks]
  const names = [...new Set(rows.map((r) => r.series))].sort((a, b) => (a === 'rep tasks opened' ? 1 : b === 'rep tasks opened' ? -1 : a.localeCompare(b)))
  return pivot(labels, rows, names.length > 0 ? names : ['answered by page', 'answered by api', 'rep tasks opened'])
}

/**
 * First delay notices per week, from the FTC record itself (`delay_notices`): on time when the
 * customer was told (the message's send time, else when the notice was recorded) on or before the
 * line's applicable date, counted in the store's time zone; late otherwise. A line cancelled
 * because no notice reached the customer in time (`no_notice`) counts once, as late, in the week
 * of its cancellation (no late notice is sent any more: such a line is cancelled instead).
 */
export async function delayNoticesOnTime(db: Queryable, now: Date, timeZone = 'UTC', weeks = 8): Promise<ChartTable> {
  const rows = await db.query<{ week: string; on_time: number; late: number }>(
    `SELECT date_trunc('week', x.told_day)::date::text AS week,
            count(*) FILTER (WHERE x.told_day <= x.applicable_date)::int AS on_time,
            count(*) FILTER (WHERE x.applicable_date IS NULL OR x.told_day > x.applicable_date)::int AS late
       FROM (SELECT (coalesce(n.sent_at, d.created_at) AT TIME ZONE $2)::date AS told_day, d.applicable_date
               FROM delay_notices d LEFT JOIN notifications n ON n.notification_id = d.notification_id
              WHERE d.kind = 'first' AND d.created_at >= $1
                AND NOT EXISTS (SELECT 1 FROM ftc_cancellations c WHERE c.order_line_id = d.order_line_id AND c.reason = 'no_notice')
             UNION ALL
             SELECT (c.cancelled_at AT TIME ZONE $2)::date, NULL::date
               FROM ftc_cancellations c WHERE c.reason = 'no_notice' AND c.cancelled_at >= $1) x
      GROUP BY 1 ORDER BY 1`,
    [new Date(now.getTime() - weeks * 7 * DAY_MS), timeZone],
  )
  return {
    labels: rows.map((r) => r.week),
    series: [
      { name: 'on time', values: rows.map((r) => r.on_time) },
      { name: 'late', values: rows.map((r) => r.late) },
    ],
  }
}

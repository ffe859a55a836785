/**
 * The daily supplier check (DESIGN.md "Monitoring and outreach"): suppliers with open lines that
 * sent nothing in their window get a status request email (CSV of their open PO lines attached)
 * and a rep task; PO lines never acknowledged, or on hold, get a rep task each. Set-based: a
 * handful of statements whatever the number of open lines.
 */
import type { Db, Queryable } from '../store/db.ts'
import type { CalendarConfig, IsoDate } from '../domain/types.ts'
import { addBusinessDays, addCalendarDays, isBusinessDay, localDay, startOfLocalDay } from '../domain/calendar.ts'
import { businessWindowStart, supplierSilence } from '../domain/supplier-silence.ts'
import { TASK_PRIORITY, openTask } from '../store/tasks.ts'
import { enqueueMessage } from '../notify/outbox.ts'
import type { MailFrom } from '../notify/mailer.ts'
import { OPEN_PO_LINES, isoSql, listOpenLines, requestText, STATUS_REQUEST_COLUMNS, type Listing } from './status-request.ts'

export { STATUS_REQUEST_COLUMNS }

/** Inputs of one check: the time and calendar are passed in, never read. */
export interface SupplierCheckOptions {
  now: Date
  calendar: CalendarConfig
  /** From of the status requests (config.mailFrom: the store, unless WISMO_MAIL_FROM says otherwise). */
  mailFrom: MailFrom
  /** Business days after the order before a PO line without any supplier word gets a task. */
  unackBusinessDays?: number
}

/** What one check did. */
export interface SupplierCheckSummary {
  /** Suppliers with open PO lines. */
  suppliersChecked: number
  /** Status request emails queued by this run. */
  statusRequests: number
  tasksOpened: number
  tasksClosed: number
}

export interface SupplierRow {
  supplier_id: string
  name: string
  email: string | null
  phone: string | null
  cadence: number
  open_lines: number
  silent: boolean
}

/**
 * Every supplier with open lines, and whether it is silent (domain/supplier-silence.ts): nothing
 * taken in within its cadence counted in business hours, and a line older than that. Feeds are
 * read back only as far as the longest cadence reaches, so the lookup stays a range scan.
 */
async function findSuppliers(db: Queryable, now: Date, cal: CalendarConfig): Promise<SupplierRow[]> {
  const cadences = await db.query<{ cadence: number }>('SELECT DISTINCT greatest(feed_cadence_hours, 1) AS cadence FROM suppliers')
  const since = Math.min(now.getTime(), ...cadences.map((c) => businessWindowStart(now, c.cadence, cal).getTime()))
  const rows = await db.query<Omit<SupplierRow, 'silent'> & { oldest: Date; last_at: Date | null }>(
    `WITH open AS (${OPEN_PO_LINES}),
     heard AS (
       SELECT m.supplier_id, max(m.received_at) AS last_at FROM inbound_messages m
        WHERE m.received_at <= $1 AND m.received_at > $2 AND m.status IN ('applied', 'duplicate') AND m.supplier_id IS NOT NULL
        GROUP BY m.supplier_id)
     SELECT s.supplier_id, s.name, s.email, s.phone, greatest(s.feed_cadence_hours, 1) AS cadence, count(*)::int AS open_lines,
            min(o.placed_at) AS oldest, max(h.last_at) AS last_at
       FROM open o
       JOIN suppliers s ON s.supplier_id = o.supplier_id
       LEFT JOIN heard h ON h.supplier_id = s.supplier_id
      GROUP BY s.supplier_id
      ORDER BY s.supplier_id`,
    [now, new Date(since)],
  )
  return rows.map(({ oldest, last_at, ...r }) => ({
    ...r, silent: supplierSilence({ lastFeedAt: last_at, oldestOpenPlacedAt: oldest, cadenceHours: r.cadence }, now, cal).silent,
  }))
}

/**
 * The window `now` falls in: for a daily cadence the store's day (a supplier is asked at most
 * once a business day), else cadence-long slots from the epoch.
 */
export function windowLabel(now: Date, cadenceHours: number, cal?: CalendarConfig): { label: string; start: Date } {
  if (cal && cadenceHours % 24 === 0) {
    const day = localDay(now, cal)
    return { label: day, start: startOfLocalDay(day, cal) }
  }
  const size = Math.max(1, cadenceHours) * 3_600_000
  const start = new Date(Math.floor(now.getTime() / size) * size)
  // A slot's name in a dedupe key, not a business day: the UTC date of a UTC-aligned slot.
  const label = cadenceHours % 24 === 0 ? start.toISOString().slice(0, 10) : start.toISOString().slice(0, 13) + 'Z'
  return { label, start }
}

/** Queues one supplier's status request and opens its task, together or not at all. */
async function requestStatus(db: Db, s: SupplierRow, listing: Listing, opts: SupplierCheckOptions, window: string): Promise<{ sent: boolean; opened: boolean }> {
  const day = localDay(opts.now, opts.calendar)
  return db.transaction(async (tx) => {
    const sent = await enqueueMessage(tx, {
      channel: 'email', recipient: s.email!, trigger: 'status_request', supplierId: s.supplier_id, now: opts.now,
      dedupeKey: `status-request:${s.supplier_id}:${window}`,
      subject: `Status request: ${listing.lines} open purchase order line${listing.lines === 1 ? '' : 's'} (${s.name})`,
      body: requestText(s, listing),
      payload: {
        from: opts.mailFrom,
        attachments: [{ filename: `open-po-lines-${s.supplier_id}-${day}.csv`, contentType: 'text/csv; charset=utf-8', content: `${STATUS_REQUEST_COLUMNS}\r\n${listing.csv}\r\n` }],
        supplierId: s.supplier_id, window, openLines: listing.lines,
      },
    })
    const opened = sent && (await openSilentTask(tx, s, opts.now, `status request emailed to ${s.email}`))
    return { sent, opened }
  })
}

function openSilentTask(tx: Queryable, s: SupplierRow, now: Date, outreach: string): Promise<boolean> {
  return openTask(tx, {
    kind: 'supplier_silent', dedupeKey: `supplier_silent:${s.supplier_id}`, supplierId: s.supplier_id, now,
    title: 'Supplier sent no status feed',
    detail: `${s.name} (${s.supplier_id}): nothing received in ${s.cadence} business hours; ${s.open_lines} open PO line${s.open_lines === 1 ? '' : 's'}; ${outreach}`,
  })
}

/** Silent suppliers without email: the task is the only outreach, opened once per window. */
async function taskWithoutEmail(db: Queryable, s: SupplierRow, now: Date, windowStart: Date): Promise<boolean> {
  const recent = await db.query(
    `SELECT 1 FROM tasks WHERE kind = 'supplier_silent' AND dedupe_key = $1 AND created_at >= $2 LIMIT 1`,
    [`supplier_silent:${s.supplier_id}`, windowStart],
  )
  if (recent.length > 0) return false
  return openSilentTask(db, s, now, `no email on file — call them${s.phone ? ` at ${s.phone}` : ''}`)
}

/** Closes `supplier_silent` tasks of suppliers that are no longer silent (sent a feed, or have no open lines). */
async function closeSilentTasks(db: Queryable, silentIds: string[], now: Date): Promise<number> {
  const rows = await db.query(
    `UPDATE tasks SET status = 'done', closed_at = $2
      WHERE kind = 'supplier_silent' AND status = 'open' AND NOT (dedupe_key = ANY($1::text[])) RETURNING task_id`,
    [silentIds.map((id) => `supplier_silent:${id}`), now],
  )
  return rows.length
}

/** Which requests of this run are already queued (so their CSV is not built again). */
async function alreadyQueued(db: Queryable, keys: string[]): Promise<Set<string>> {
  const rows = await db.query<{ dedupe_key: string }>('SELECT dedupe_key FROM notifications WHERE dedupe_key = ANY($1::text[])', [keys])
  return new Set(rows.map((r) => r.dedupe_key))
}

async function checkSilence(db: Db, opts: SupplierCheckOptions, sum: SupplierCheckSummary): Promise<void> {
  const suppliers = await findSuppliers(db, opts.now, opts.calendar)
  sum.suppliersChecked = suppliers.length
  const silent = suppliers.filter((s) => s.silent)
  sum.tasksClosed += await closeSilentTasks(db, silent.map((s) => s.supplier_id), opts.now)
  // Silence does not grow on a weekend or a holiday: nobody is asked (or tasked) again until work resumes.
  if (!isBusinessDay(localDay(opts.now, opts.calendar), opts.calendar)) return
  const key = (s: SupplierRow) => `status-request:${s.supplier_id}:${windowLabel(opts.now, s.cadence, opts.calendar).label}`
  const queued = await alreadyQueued(db, silent.filter((s) => s.email).map(key))
  const toAsk = silent.filter((s) => s.email && !queued.has(key(s)))
  const listings = toAsk.length > 0 ? await listOpenLines(db, toAsk.map((s) => s.supplier_id)) : new Map<string, Listing>()
  for (const s of silent) {
    const window = windowLabel(opts.now, s.cadence, opts.calendar)
    const listing = listings.get(s.supplier_id)
    if (!s.email) {
      if (await taskWithoutEmail(db, s, opts.now, window.start)) sum.tasksOpened++
    } else if (listing) {
      const r = await requestStatus(db, s, listing, opts, window.label)
      sum.statusRequests += Number(r.sent)
      sum.tasksOpened += Number(r.opened)
    }
  }
}

/**
 * The last day D whose orders are due: D + `days` business days is no later than today.
 * addBusinessDays never decreases as D grows, so walking back from today finds it.
 */
export function unackCutoffDay(today: IsoDate, days: number, cal: CalendarConfig): IsoDate {
  let d = today
  while (addBusinessDays(d, days, cal) > today) d = addCalendarDays(d, -1)
  return d
}

/**
 * Opens a task per open line in `cur` (a CTE over OPEN_PO_LINES rows) and closes the open tasks
 * of this kind whose line left it — both in one statement, so a line is never half-handled.
 */
async function syncLineTasks(db: Queryable, kind: string, cur: string, title: string, detailSql: string, values: unknown[]): Promise<{ opened: number; closed: number }> {
  const [r] = await db.query<{ opened: number; closed: number }>(
    `WITH cur AS (${cur}),
     ins AS (
       INSERT INTO tasks (kind, priority, order_id, order_line_id, supplier_id, title, detail, dedupe_key, created_at)
       SELECT '${kind}', ${TASK_PRIORITY[kind] ?? 50}, order_id, order_line_id, supplier_id, '${title}', ${detailSql},
              '${kind}:' || order_line_id, $1
         FROM cur
        -- Skipping the already-open ones first is much cheaper than 1M conflicting inserts.
        WHERE NOT EXISTS (SELECT 1 FROM tasks o WHERE o.dedupe_key = '${kind}:' || cur.order_line_id AND o.status = 'open')
        -- In line order: the same history gives the same task ids (a hash join's order is not stable).
        ORDER BY order_line_id
       ON CONFLICT (dedupe_key) WHERE status = 'open' DO NOTHING RETURNING 1),
     done AS (
       UPDATE tasks t SET status = 'done', closed_at = $1
        WHERE t.kind = '${kind}' AND t.status = 'open'
          AND NOT EXISTS (SELECT 1 FROM cur WHERE '${kind}:' || cur.order_line_id = t.dedupe_key) RETURNING 1)
     SELECT (SELECT count(*) FROM ins)::int AS opened, (SELECT count(*) FROM done)::int AS closed`,
    values,
  )
  return r
}

// Suppliers by name in what a rep reads (their ids are for machines).
const WHERE = `format('%s line %s, %s ×%s, supplier %s', po_number, po_line, sku, qty,
  coalesce((SELECT sp.name FROM suppliers sp WHERE sp.supplier_id = cur.supplier_id), supplier_id))`

async function checkLines(db: Queryable, opts: SupplierCheckOptions, sum: SupplierCheckSummary): Promise<void> {
  const cutoff = unackCutoffDay(localDay(opts.now, opts.calendar), opts.unackBusinessDays ?? 2, opts.calendar)
  // Placed on or before the cutoff day in the store's zone.
  const placedBefore = startOfLocalDay(addCalendarDays(cutoff, 1), opts.calendar)
  const unack = await syncLineTasks(
    db, 'unacknowledged',
    `SELECT o.* FROM (${OPEN_PO_LINES}) o
      WHERE o.placed_at < $2 AND NOT EXISTS (SELECT 1 FROM supplier_signals g WHERE g.po_line_id = o.po_line_id)`,
    'Not acknowledged by the supplier',
    `${WHERE} || '; ordered ' || ${isoSql('placed_at')} || ', no acknowledgment or other word from the supplier yet'`,
    [opts.now, placedBefore],
  )
  // The supplier's current word is its latest message; within it, a hold wins.
  const hold = await syncLineTasks(
    db, 'supplier_hold',
    `SELECT o.*, ls.raw_code, ls.received_at FROM (${OPEN_PO_LINES}) o
       JOIN LATERAL (
         SELECT g.status, g.raw_code, g.received_at FROM supplier_signals g WHERE g.po_line_id = o.po_line_id
          ORDER BY g.received_at DESC, g.message_id DESC, (g.status = 'on_hold') DESC LIMIT 1) ls ON ls.status = 'on_hold'`,
    'On hold at the supplier',
    `${WHERE} || '; on hold since ' || ${isoSql('received_at')} || coalesce(' (' || raw_code || ')', '')`,
    [opts.now],
  )
  sum.tasksOpened += unack.opened + hold.opened
  sum.tasksClosed += unack.closed + hold.closed
}

/**
 * Runs the daily supplier check at `now`. Idempotent: run it as often as you like; a supplier is
 * asked once per window (dedupe key `status-request:<supplier>:<window>`), tasks open once.
 */
export async function runSupplierCheck(db: Db, opts: SupplierCheckOptions): Promise<SupplierCheckSummary> {
  const sum: SupplierCheckSummary = { suppliersChecked: 0, statusRequests: 0, tasksOpened: 0, tasksClosed: 0 }
  await checkSilence(db, opts, sum)
  await checkLines(db, opts, sum)
  return sum
}

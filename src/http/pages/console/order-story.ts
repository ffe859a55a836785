/**
 * Everything a rep needs about one order, read for the console's order page: the rep view
 * (suppliers and POs), signals as received with their raw messages, state history, messages and
 * their delivery, choices, tasks, notes and the audit trail.
 */
import type { Queryable } from '../../../store/db.ts'
import { getOrderStatus, presentRepView, type RepOrderView } from '../../../status/order-status.ts'
import { calendarFrom } from '../../../status/calendar-config.ts'
import { listAudit, type AuditRow } from '../../../store/audit.ts'
import { listNotes, type NoteRow } from '../../../store/notes.ts'
import type { Config } from '../../../config.ts'
import { listOrderChoices, type ChoiceRow } from '../../../store/choices-read.ts'
import { listPurchasingDocuments, type PurchasingDocumentView } from '../../../purchasing/export.ts'
import { loadDeliveryStory, type DeliveryStory } from './delivery-story.ts'
import { loadLineOffers } from '../../../choices/line-offers.ts'
import type { LineOffer } from '../../../choices/choice-rules.ts'

export interface SignalRow { lineNo: number | null; poNumber: string | null; poLine: string | null; status: string; qty: number | null; expectedShipDate: string | null; receivedAt: string; source: string; rawCode: string | null; messageId: number; filename: string | null }
export interface HistoryRow { lineNo: number; state: string; etaLatest: string | null; etaSource: string | null; changedAt: string; cause: string | null }
export interface MessageRow { id: number; channel: string; recipient: string; trigger: string; subject: string | null; status: string; attempts: number; createdAt: string; sentAt: string | null; error: string | null }
export interface TaskLite {
  taskId: number; kind: string; title: string; detail: string | null; status: string; createdAt: string; closedAt: string | null; lineNo: number | null
  /** `rep:<email>`, or `system` (wismo closed it: what it asked for happened). */
  closedBy: string | null
  closeNote: string | null
  assignedTo: string | null
}
export interface ScanRow { lineNo: number; trackingNumber: string; status: string; occurredAt: string; location: string | null; message: string | null }

export interface OrderStory {
  orderId: number
  view: RepOrderView
  postalCode: string | null
  customerPhone: string | null
  delivery: DeliveryStory
  signals: SignalRow[]
  scans: ScanRow[]
  history: HistoryRow[]
  messages: MessageRow[]
  tasks: TaskLite[]
  notes: NoteRow[]
  audit: AuditRow[]
  choices: ChoiceRow[]
  /** The 850/860 wismo sent for this order's lines, with the supplier's 997 answer. */
  documents: PurchasingDocumentView[]
  /** The answers each line takes now, by line number (what the rep may record for the customer). */
  offers: Map<number, LineOffer>
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** The order's whole story; null when there is no such order. */
export async function loadOrderStory(
  db: Queryable, orderNumber: string, opts: { now: Date; config: Pick<Config, 'holidays'> & Partial<Pick<Config, 'alternativesDelayDays' | 'countryHolidays' | 'timezone'>> },
): Promise<OrderStory | null> {
  const calendar = await calendarFrom(db, opts.config, opts.now)
  const derived = await getOrderStatus(db, orderNumber, { now: opts.now, calendar, alternativesDelayDays: opts.config.alternativesDelayDays })
  if (!derived) return null
  const orderId = derived.snapshot.orderId
  const view = presentRepView(derived)
  const [signals, scans, history, messages, tasks, notes, audit, choices, documents, delivery, phone] = await Promise.all([
    loadSignals(db, orderId), loadScans(db, orderId), loadHistory(db, orderId), loadMessages(db, orderId), loadTasks(db, orderId),
    listNotes(db, orderId), listAudit(db, orderId), listOrderChoices(db, orderId), listPurchasingDocuments(db, { orderId, limit: 100 }),
    loadDeliveryStory(db, orderId, view),
    db.query<{ phone: string | null }>('SELECT c.phone FROM orders o JOIN customers c ON c.customer_id = o.customer_id WHERE o.order_id = $1', [orderId]),
  ])
  const offers = await loadLineOffers(db, derived.lines.map((l) => ({
    orderLineId: l.snapshot.orderLineId, lineNo: l.snapshot.line.lineNo, state: l.status.state, quantities: l.status.quantities, alternatives: l.alternatives.length,
  })))
  return {
    orderId, view, postalCode: derived.snapshot.postalCode, customerPhone: phone[0]?.phone ?? null, delivery, signals, scans, history, messages, tasks, notes, audit, choices, documents, offers,
  }
}

async function loadSignals(db: Queryable, orderId: number): Promise<SignalRow[]> {
  const rows = await db.query<{ line_no: number; po_number: string; po_line: string; status: string; qty: number | null; expected_ship_date: string | null; received_at: Date; source: string; raw_code: string | null; message_id: number; filename: string | null }>(
    `SELECT l.line_no, sg.po_number, sg.po_line, sg.status, sg.qty, sg.expected_ship_date::text AS expected_ship_date, sg.received_at,
            sg.source, sg.raw_code, sg.message_id, m.filename
       FROM supplier_signals sg JOIN po_lines po ON po.po_line_id = sg.po_line_id JOIN order_lines l ON l.order_line_id = po.order_line_id
       JOIN inbound_messages m ON m.message_id = sg.message_id
      WHERE l.order_id = $1 ORDER BY sg.received_at, sg.signal_id`,
    [orderId],
  )
  return rows.map((r) => ({ lineNo: r.line_no, poNumber: r.po_number, poLine: r.po_line, status: r.status, qty: r.qty, expectedShipDate: r.expected_ship_date, receivedAt: r.received_at.toISOString(), source: r.source, rawCode: r.raw_code, messageId: r.message_id, filename: r.filename }))
}

async function loadScans(db: Queryable, orderId: number): Promise<ScanRow[]> {
  const rows = await db.query<{ line_no: number; tracking_number: string; status: string; occurred_at: Date; location: string | null; message: string | null }>(
    `SELECT l.line_no, e.tracking_number, e.status, e.occurred_at, e.location, e.message
       FROM shipments sh JOIN order_lines l ON l.order_line_id = sh.order_line_id JOIN carrier_events e ON e.tracking_number = sh.tracking_number
      WHERE l.order_id = $1 ORDER BY e.occurred_at, e.event_id`,
    [orderId],
  )
  return rows.map((r) => ({ lineNo: r.line_no, trackingNumber: r.tracking_number, status: r.status, occurredAt: r.occurred_at.toISOString(), location: r.location, message: r.message }))
}

async function loadHistory(db: Queryable, orderId: number): Promise<HistoryRow[]> {
  const rows = await db.query<{ line_no: number; state: string; eta_latest: string | null; eta_source: string | null; changed_at: Date; cause: string | null }>(
    `SELECT l.line_no, h.state, h.eta_latest::text AS eta_latest, h.eta_source, h.changed_at, h.cause
       FROM line_state_history h JOIN order_lines l ON l.order_line_id = h.order_line_id
      WHERE l.order_id = $1 ORDER BY h.changed_at, h.history_id`,
    [orderId],
  )
  return rows.map((r) => ({ lineNo: r.line_no, state: r.state, etaLatest: r.eta_latest, etaSource: r.eta_source, changedAt: r.changed_at.toISOString(), cause: r.cause }))
}

async function loadMessages(db: Queryable, orderId: number): Promise<MessageRow[]> {
  const rows = await db.query<{ notification_id: number; channel: string; recipient: string; trigger: string; subject: string | null; status: string; attempts: number; created_at: Date; sent_at: Date | null; last_error: string | null }>(
    `SELECT notification_id, channel, recipient, trigger, subject, status, attempts, created_at, sent_at, last_error
       FROM notifications WHERE order_id = $1 ORDER BY created_at DESC, notification_id DESC`,
    [orderId],
  )
  return rows.map((r) => ({ id: r.notification_id, channel: r.channel, recipient: r.recipient, trigger: r.trigger, subject: r.subject, status: r.status, attempts: r.attempts, createdAt: r.created_at.toISOString(), sentAt: iso(r.sent_at), error: r.last_error }))
}

async function loadTasks(db: Queryable, orderId: number): Promise<TaskLite[]> {
  const rows = await db.query<{
    task_id: number; kind: string; title: string; detail: string | null; status: string; created_at: Date; closed_at: Date | null; line_no: number | null
    closed_by: string | null; close_note: string | null; assigned_to: string | null
  }>(
    `SELECT t.task_id, t.kind, t.title, t.detail, t.status, t.created_at, t.closed_at, l.line_no, t.closed_by, t.close_note, u.email AS assigned_to
       FROM tasks t LEFT JOIN order_lines l ON l.order_line_id = t.order_line_id LEFT JOIN users u ON u.user_id = t.assigned_user_id
      WHERE t.order_id = $1 ORDER BY (t.status = 'open') DESC, t.priority, t.created_at DESC LIMIT 100`,
    [orderId],
  )
  return rows.map((r) => ({
    taskId: r.task_id, kind: r.kind, title: r.title, detail: r.detail, status: r.status, createdAt: r.created_at.toISOString(), closedAt: iso(r.closed_at),
    lineNo: r.line_no, closedBy: r.closed_by, closeNote: r.close_note, assignedTo: r.assigned_to,
  }))
}

/**
 * What a rep does about a parcel in trouble (a carrier exception: failed attempt, damage, return
 * to sender): reship it (a new PO line with the same or another supplier, sent as an 850 like a
 * switch), refund it (a refund due, like a cancellation), or file a claim with the carrier. Each
 * in one transaction under a lock on the line; the line's exception task closes once every parcel
 * in trouble has been acted on.
 */
import type { Db, Queryable } from '../store/db.ts'
import { DomainError } from '../domain/errors.ts'
import { addBusinessDays, localDay } from '../domain/calendar.ts'
import { deriveLineStatus, type TrackingPart } from '../domain/line-state.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { loadLineSnapshots } from '../store/order-snapshot.ts'
import { recordRefundDue } from '../store/refunds.ts'
import { actedParcels, closeLineTasks } from '../store/task-closing.ts'
import { actionsOnParcel, recordDeliveryAction, type DeliveryActionKind, type ParcelProblem } from '../store/delivery-actions.ts'
import { placePurchaseLine, type PurchasingDocument } from './documents.ts'

/** A refund for a lost or damaged parcel is due like a cancelled mail order's: 7 working days. */
const REFUND_BUSINESS_DAYS = 7

export interface DeliveryActionRequest {
  orderNumber: string
  lineNo: number
  trackingNumber: string
  reason: ParcelProblem
  decidedBy: string
  now: Date
  calendar: CalendarConfig
  /** reship: who ships the replacement (the line's supplier when absent). */
  supplierId?: string | null
  /** refund: the amount (the units' price when absent); claim: the amount claimed (required). */
  amount?: number | null
  /** claim: the carrier it is filed with (the parcel's when absent). */
  carrier?: string | null
  note?: string | null
  ediId?: string
}

export interface DeliveryActionOutcome {
  actionId: number
  orderId: number
  kind: DeliveryActionKind
  summary: string
  document: PurchasingDocument | null
  refund: { refundId: number; amount: number; dueBy: string } | null
  /** The line's carrier_exception task closed with this action (every parcel in trouble acted on). */
  taskClosed: boolean
}

interface Parcel {
  orderLineId: number
  orderId: number
  sku: string
  supplierId: string | null
  unitPrice: number | null
  part: TrackingPart
  /** Units the parcel carried (as shipped, whatever the line now counts). */
  qty: number
  poLineId: number | null
  exceptionParcels: string[]
}

/** Locks the line and finds the parcel; refuses, naming it, unless the carrier reported a problem with it. */
async function findParcel(tx: Queryable, r: DeliveryActionRequest): Promise<Parcel> {
  const [line] = await tx.query<{ order_line_id: number; order_id: number; sku: string; supplier_id: string | null; price: number | null }>(
    `SELECT l.order_line_id, l.order_id, l.sku, l.supplier_id, coalesce(l.unit_price, p.price) AS price
       FROM order_lines l JOIN orders o ON o.order_id = l.order_id LEFT JOIN products p ON p.sku = l.sku
      WHERE o.order_number = $1 AND l.line_no = $2 FOR UPDATE OF l`,
    [r.orderNumber, r.lineNo],
  )
  if (!line) throw new DomainError('DELIVERY_LINE_NOT_FOUND', `order ${r.orderNumber} has no line ${r.lineNo}`)
  const [snapshot] = await loadLineSnapshots(tx, { lineIds: [line.order_line_id] })
  const status = deriveLineStatus(snapshot.line, snapshot.signals, { now: r.now, calendar: r.calendar, history: null })
  const part = status.tracking.find((t) => t.number === r.trackingNumber)
  if (!part || part.status !== 'exception') {
    throw new DomainError('DELIVERY_PARCEL_NOT_IN_TROUBLE', `line ${r.lineNo}: parcel ${r.trackingNumber} has no carrier exception (failed attempt, damage, return to sender)`)
  }
  const [shipped] = await tx.query<{ qty: number; po_line_id: number | null }>(
    `SELECT sum(qty)::int AS qty, max(po_line_id) AS po_line_id FROM shipments WHERE order_line_id = $1 AND tracking_number = $2`,
    [line.order_line_id, r.trackingNumber],
  )
  return {
    orderLineId: line.order_line_id, orderId: line.order_id, sku: line.sku, supplierId: line.supplier_id,
    unitPrice: line.price === null ? null : Number(line.price), part, qty: Math.max(1, Math.min(shipped?.qty ?? part.qty, snapshot.line.qty)),
    poLineId: shipped?.po_line_id ?? null,
    exceptionParcels: status.tracking.filter((t) => t.status === 'exception' && t.qty > 0).map((t) => t.number),
  }
}

/** A parcel is reshipped or refunded once (the customer gets the item or the money, not both); a claim is filed once. */
async function assertNotDone(tx: Queryable, p: Parcel, kind: DeliveryActionKind, lineNo: number): Promise<void> {
  const done = await actionsOnParcel(tx, p.orderLineId, p.part.number)
  const settled = done.find((k) => k === 'reship' || k === 'refund')
  if (kind !== 'claim' && settled) {
    throw new DomainError('DELIVERY_ALREADY_SETTLED', `line ${lineNo}: parcel ${p.part.number} was already ${settled === 'reship' ? 'reshipped' : 'refunded'}`)
  }
  if (kind === 'claim' && done.includes('claim')) throw new DomainError('DELIVERY_CLAIM_EXISTS', `line ${lineNo}: a claim for parcel ${p.part.number} is already filed`)
}

/**
 * Carries out one action; refusals (DomainError) change nothing. `record` runs in the same
 * transaction (the console's audit entry lands with the action or not at all).
 */
export async function actOnParcel(
  db: Db, kind: DeliveryActionKind, r: DeliveryActionRequest, record?: (tx: Queryable, done: DeliveryActionOutcome) => Promise<unknown>,
): Promise<DeliveryActionOutcome> {
  return db.transaction(async (tx) => {
    const p = await findParcel(tx, r)
    await assertNotDone(tx, p, kind, r.lineNo)
    const done = kind === 'reship' ? await reship(tx, p, r) : kind === 'refund' ? await refund(tx, p, r) : await claim(tx, p, r)
    const acted = await actedParcels(tx, [p.orderLineId])
    const allActed = p.exceptionParcels.every((n) => acted.has(`${p.orderLineId}:${n}`))
    const closed = allActed && (await closeLineTasks(tx, { orderLineId: p.orderLineId, kinds: ['carrier_exception'], now: r.now, note: `${done.summary} (${r.decidedBy})` })) > 0
    const outcome = { ...done, orderId: p.orderId, kind, taskClosed: closed }
    await record?.(tx, outcome)
    return outcome
  })
}

type Done = Pick<DeliveryActionOutcome, 'actionId' | 'summary' | 'document' | 'refund'>

const base = (p: Parcel, r: DeliveryActionRequest, kind: DeliveryActionKind) => ({
  orderLineId: p.orderLineId, kind, trackingNumber: p.part.number, carrier: p.part.carrier, reason: r.reason, qty: p.qty,
  note: r.note?.trim() || null, decidedBy: r.decidedBy, now: r.now,
})

async function reship(tx: Queryable, p: Parcel, r: DeliveryActionRequest): Promise<Done> {
  const supplierId = r.supplierId || p.supplierId
  if (!supplierId) throw new DomainError('DELIVERY_SUPPLIER_REQUIRED', `line ${r.lineNo}: name the supplier to reship from`)
  const [offered] = await tx.query<{ name: string }>(
    `SELECT s.name FROM suppliers s WHERE s.supplier_id = $1 AND ($1 = $3 OR EXISTS (SELECT 1 FROM offers f WHERE f.supplier_id = $1 AND f.sku = $2))`,
    [supplierId, p.sku, p.supplierId],
  )
  if (!offered) throw new DomainError('DELIVERY_SUPPLIER_NOT_OFFERING', `line ${r.lineNo}: supplier ${supplierId} does not offer ${p.sku}`)
  const doc = await placePurchaseLine(tx, {
    orderLineId: p.orderLineId, supplierId, sku: p.sku, qty: p.qty, fromPoLineId: p.poLineId, now: r.now, reason: 'reship',
    sender: { qualifier: 'ZZ', id: r.ediId ?? 'WISMO' },
  })
  // The lost parcel gives its units to the replacement once that ships (src/domain/line-parts.ts).
  await tx.query('UPDATE shipments SET replaced_at = $3 WHERE order_line_id = $1 AND tracking_number = $2 AND replaced_at IS NULL', [p.orderLineId, p.part.number, r.now])
  await tx.query('UPDATE order_lines SET dirty = true WHERE order_line_id = $1', [p.orderLineId])
  const summary = `reship of ${p.qty} × ${p.sku} from ${offered.name}: PO ${doc.poNumber} line ${doc.poLine} (850, control ${doc.controlNumber}) for parcel ${p.part.number} (${words(r.reason)})`
  await history(tx, p, r, summary)
  const actionId = await recordDeliveryAction(tx, { ...base(p, r, 'reship'), supplierId, poLineId: doc.poLineId, documentId: doc.documentId })
  return { actionId, summary, document: doc, refund: null }
}

async function refund(tx: Queryable, p: Parcel, r: DeliveryActionRequest): Promise<Done> {
  const paid = p.unitPrice === null ? null : Math.round(p.unitPrice * p.qty * 100) / 100
  const amount = r.amount ?? paid
  if (amount === null || !(amount > 0)) throw new DomainError('DELIVERY_AMOUNT_INVALID', `line ${r.lineNo}: a refund needs an amount above 0`)
  if (paid !== null && amount > paid) throw new DomainError('DELIVERY_AMOUNT_INVALID', `line ${r.lineNo}: ${amount.toFixed(2)} is more than the ${p.qty} unit(s) cost (${paid.toFixed(2)})`)
  const dueBy = addBusinessDays(localDay(r.now, r.calendar), REFUND_BUSINESS_DAYS, r.calendar)
  const refundId = await recordRefundDue(tx, { orderLineId: p.orderLineId, qty: p.qty, amount, reason: 'delivery_problem', dueBy, now: r.now })
  const summary = `refund of ${amount.toFixed(2)} due by ${dueBy} for parcel ${p.part.number} (${words(r.reason)})`
  await history(tx, p, r, summary)
  const actionId = await recordDeliveryAction(tx, { ...base(p, r, 'refund'), amount, refundId })
  return { actionId, summary, document: null, refund: { refundId, amount, dueBy } }
}

async function claim(tx: Queryable, p: Parcel, r: DeliveryActionRequest): Promise<Done> {
  if (r.amount === null || r.amount === undefined || !(r.amount >= 0)) throw new DomainError('DELIVERY_AMOUNT_INVALID', `line ${r.lineNo}: a claim needs the amount claimed (0 or more)`)
  const carrier = r.carrier?.trim() || p.part.carrier
  if (!carrier) throw new DomainError('DELIVERY_CARRIER_REQUIRED', `line ${r.lineNo}: name the carrier the claim is filed with`)
  const summary = `claim of ${r.amount.toFixed(2)} filed with ${carrier} for parcel ${p.part.number} (${words(r.reason)})`
  await history(tx, p, r, summary)
  const actionId = await recordDeliveryAction(tx, { ...base(p, r, 'claim'), carrier, amount: r.amount })
  return { actionId, summary, document: null, refund: null }
}

const words = (reason: string) => reason.replace(/_/g, ' ')

/** The line's history keeps the action beside the sweep's own entries (its state is unchanged). */
async function history(tx: Queryable, p: Parcel, r: DeliveryActionRequest, summary: string): Promise<void> {
  await tx.query(
    `INSERT INTO line_state_history (order_line_id, state, changed_at, cause)
     SELECT order_line_id, state, $2, $3 FROM order_lines WHERE order_line_id = $1`,
    [p.orderLineId, r.now, `${summary}, by ${r.decidedBy}`],
  )
}

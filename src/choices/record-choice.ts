/**
 * Records a customer's choice for a line — wait, cancel, or switch to an alternative — with who
 * made it and how, and does what it means: consent to the delay, a cancellation with a refund
 * due and an 860 to the supplier, or a re-sourcing (860 to the old supplier, 850 to the new).
 * Everything happens in one transaction under a lock on the line, so two choices for one line
 * at once are serialized: the second sees the first and is refused if it no longer applies.
 */
import type { Db, Queryable } from '../store/db.ts'
import type { Config } from '../config.ts'
import { DomainError } from '../domain/errors.ts'
import { localDay } from '../domain/calendar.ts'
import { openQuantity, type Alternative, type AlternativeKind } from '../domain/alternatives.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { loadLineSnapshots } from '../store/order-snapshot.ts'
import { deriveLine } from '../status/order-status.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { recordRefundDue, refundTerms } from '../store/refunds.ts'
import { requestSupplierCancel, type PurchasingDocument } from '../purchasing/documents.ts'
import { linesNoticed } from '../store/choices-read.ts'
import { assertChoice, assertDecidable, assertWaitAllowed, type AnswerableLine, type Choice, type ChoiceChannel } from './choice-rules.ts'
import { switchLine } from './switch-line.ts'
import { isChoiceTokenUsed } from './token-use.ts'
import { orderNumberKey } from '../domain/order-number.ts'
import { closeAnsweredTasks } from '../store/task-closing.ts'

export interface RecordChoiceInput {
  orderNumber: string
  lineNo: number
  choice: Choice | string
  sku?: string | null
  /** `customer`, or `rep:<email|cli>`. */
  decidedBy: string
  channel: ChoiceChannel
  /** The customer confirmed a dearer alternative's price difference. */
  acceptPrice?: boolean
  /** The signed link's nonce: a link decides once. */
  tokenNonce?: string | null
  /** The signed link's expiry (when it was made, src/choices/token-use.ts): a decision since then uses it too. */
  tokenExpiresAt?: Date | null
  now: Date
  /** Holidays, absorb percent, alternatives delay, EDI id; defaults when absent. */
  config?: Partial<Pick<Config, 'holidays' | 'switchAbsorbPercent' | 'alternativesDelayDays' | 'ediId' | 'timezone' | 'countryHolidays'>>
}

export interface ChoiceOutcome {
  choiceId: number
  orderNumber: string
  lineNo: number
  choice: Choice
  qty: number
  decidedBy: string
  channel: ChoiceChannel
  decidedAt: string
  /** What changed, one line each, for people. */
  summary: string[]
  refund: { refundId: number; amount: number; dueBy: string; reason: string } | null
  /** `kind` other_supplier: the same item from another supplier, said so rather than as a "switch". */
  switched: { kind: AlternativeKind; sku: string; name: string; supplierId: string; poNumber: string; poLine: string; priceDelta: number; eta: string } | null
  documents: PurchasingDocument[]
}

/** FTC 16 CFR 435: a refund within 7 working days of the cancellation. */
export const REFUND_BUSINESS_DAYS = 7

interface LockedLine {
  order_line_id: number
  order_id: number
  order_number: string
}

async function lockLine(tx: Queryable, orderNumber: string, lineNo: number): Promise<LockedLine> {
  const [order] = await tx.query<{ order_id: number }>('SELECT order_id FROM orders WHERE upper(order_number) = $1 ORDER BY order_number LIMIT 1', [orderNumberKey(orderNumber)])
  if (!order) throw new DomainError('CHOICE_ORDER_NOT_FOUND', `order ${orderNumber} not found`)
  const [line] = await tx.query<{ order_line_id: number }>(
    'SELECT order_line_id FROM order_lines WHERE order_id = $1 AND line_no = $2 FOR UPDATE',
    [order.order_id, lineNo],
  )
  if (!line) throw new DomainError('CHOICE_LINE_NOT_FOUND', `order ${orderNumber} has no line ${lineNo}`)
  return { order_line_id: line.order_line_id, order_id: order.order_id, order_number: orderNumber }
}

async function assertTokenUnused(tx: Queryable, input: RecordChoiceInput): Promise<void> {
  const nonce = input.tokenNonce
  if (!nonce) return
  const used = input.tokenExpiresAt
    ? await isChoiceTokenUsed(tx, { nonce, orderNumber: input.orderNumber, lineNo: input.lineNo, expiresAt: input.tokenExpiresAt })
    : (await tx.query('SELECT 1 FROM line_choices WHERE token_nonce = $1', [nonce])).length > 0
  if (used) throw new DomainError('CHOICE_TOKEN_USED', 'this choice link was already used; your earlier choice stands')
}

export interface ChoiceStep {
  tx: Queryable
  line: LockedLine
  input: RecordChoiceInput
  calendar: CalendarConfig
  openQty: number
  status: Awaited<ReturnType<typeof deriveLine>>
  lineState: { sku: string; supplierId: string | null }
  answerable: AnswerableLine
}

/** Records the choice; throws DomainError with one code per refusal, having changed nothing. */
export async function recordChoice(db: Db, input: RecordChoiceInput): Promise<ChoiceOutcome> {
  assertChoice(input.choice, input.sku)
  if (!/^(customer|rep:.{1,200})$/.test(input.decidedBy)) {
    throw new DomainError('CHOICE_DECIDED_BY_INVALID', `decidedBy "${input.decidedBy}": expected customer or rep:<email|cli>`)
  }
  const calendar = await calendarFrom(db, { holidays: input.config?.holidays ?? [], timezone: input.config?.timezone, countryHolidays: input.config?.countryHolidays }, input.now)
  return db.transaction(async (tx) => {
    const line = await lockLine(tx, input.orderNumber, input.lineNo)
    await assertTokenUnused(tx, input)
    const [snapshot] = await loadLineSnapshots(tx, { lineIds: [line.order_line_id] })
    const status = await deriveLine(tx, snapshot, { now: input.now, calendar }, new Map())
    const openQty = openQuantity(status.quantities)
    const noticed = (await linesNoticed(tx, [line.order_line_id])).has(line.order_line_id)
    const answerable: AnswerableLine = { state: status.state, openQty, noticed }
    assertDecidable(input.lineNo, answerable)
    const step: ChoiceStep = {
      tx, line, input, calendar, openQty, status, lineState: { sku: snapshot.line.sku, supplierId: snapshot.line.supplierId }, answerable,
    }
    const done = input.choice === 'wait' ? await recordWait(step) : input.choice === 'cancel' ? await recordCancel(step) : await recordSwitch(step, snapshot)
    // The rep tasks that waited for this answer close with it, saying so.
    await closeAnsweredTasks(tx, { orderLineId: line.order_line_id, orderId: line.order_id, choice: done.choice, channel: input.channel, switchedTo: done.switched, now: input.now })
    return done
  })
}

/** Inserts the line_choices row; a nonce used at the same instant by another transaction is refused. */
export async function insertChoice(
  step: ChoiceStep,
  extra: { sku?: string | null; supplierId?: string | null; priceDelta?: number | null; detail?: unknown },
): Promise<{ choiceId: number; decidedAt: string }> {
  const { tx, input, line } = step
  try {
    const [row] = await tx.query<{ choice_id: number }>(
      `INSERT INTO line_choices (order_line_id, choice, sku, supplier_id, from_sku, from_supplier_id, qty, price_delta, decided_by, channel,
                                 decided_at, token_nonce, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING choice_id`,
      [
        line.order_line_id, input.choice, extra.sku ?? null, extra.supplierId ?? null, step.lineState.sku, step.lineState.supplierId,
        step.openQty, extra.priceDelta ?? null, input.decidedBy, input.channel, input.now, input.tokenNonce ?? null,
        JSON.stringify(extra.detail ?? {}),
      ],
    )
    return { choiceId: row.choice_id, decidedAt: input.now.toISOString() }
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new DomainError('CHOICE_TOKEN_USED', 'this choice link was already used; your earlier choice stands')
    throw err
  }
}

export function outcome(step: ChoiceStep, ids: { choiceId: number; decidedAt: string }, rest: Pick<ChoiceOutcome, 'summary' | 'refund' | 'switched' | 'documents'>): ChoiceOutcome {
  const { input } = step
  return {
    ...ids, orderNumber: input.orderNumber, lineNo: input.lineNo, choice: input.choice as Choice, qty: step.openQty,
    decidedBy: input.decidedBy, channel: input.channel, ...rest,
  }
}

async function recordWait(step: ChoiceStep): Promise<ChoiceOutcome> {
  assertWaitAllowed(step.input.lineNo, step.answerable)
  const etaLatest = step.status.eta?.latest ?? null
  const [last] = await step.tx.query<{ choice: string; eta: string | null; notice_since: boolean }>(
    `SELECT c.choice, c.detail->>'etaLatest' AS eta,
            EXISTS (SELECT 1 FROM delay_notices d WHERE d.order_line_id = c.order_line_id AND d.created_at > c.decided_at) AS notice_since
       FROM line_choices c WHERE c.order_line_id = $1 ORDER BY c.decided_at DESC, c.choice_id DESC LIMIT 1`,
    [step.line.order_line_id],
  )
  // One decision per line per delay: agreeing again to the same date is not a new decision. A
  // notice since the last wait (a renewed one) asks again, and a wait after it is a new answer.
  if (last?.choice === 'wait' && !last.notice_since && (last.eta ?? null) === etaLatest) {
    throw new DomainError('CHOICE_ALREADY_RECORDED', `line ${step.input.lineNo}: the choice to wait is already recorded for this date`)
  }
  const ids = await insertChoice(step, { detail: { etaLatest, state: step.status.state } })
  await step.tx.query('UPDATE order_lines SET dirty = true WHERE order_line_id = $1', [step.line.order_line_id])
  const until = etaLatest ? `until around ${etaLatest}` : 'until it ships'
  return outcome(step, ids, { summary: [`line ${step.input.lineNo}: the customer agrees to wait ${until}`], refund: null, switched: null, documents: [] })
}

async function recordCancel(step: ChoiceStep): Promise<ChoiceOutcome> {
  const { tx, line, input } = step
  const ids = await insertChoice(step, { detail: { state: step.status.state } })
  const [priced] = await tx.query<{ price: number | null; cancelled: number | null; qty: number }>(
    `SELECT coalesce(l.unit_price, p.price) AS price, l.cancelled_qty AS cancelled, l.qty FROM order_lines l
       LEFT JOIN products p ON p.sku = l.sku WHERE l.order_line_id = $1`,
    [line.order_line_id],
  )
  const cancelledQty = Math.min(priced.qty, (priced.cancelled ?? 0) + step.openQty)
  await tx.query(
    `UPDATE order_lines SET cancelled_at = $2, cancelled_qty = $3, cancel_reason = 'customer', dirty = true WHERE order_line_id = $1`,
    [line.order_line_id, input.now, cancelledQty],
  )
  // Everything tendered for the units (price, tax, and shipping once nothing ships), due from the store's day.
  const terms = await refundTerms(tx, { orderLineId: line.order_line_id, qty: step.openQty, today: localDay(input.now, step.calendar), calendar: step.calendar })
  const { amount, dueBy } = terms
  const refundId = await recordRefundDue(tx, {
    orderLineId: line.order_line_id, qty: step.openQty, ...terms, reason: 'customer_cancel', choiceId: ids.choiceId, now: input.now,
  })
  const doc = await requestSupplierCancel(tx, { orderLineId: line.order_line_id, reason: 'customer_cancel', now: input.now, sender: sender(input) })
  await recordHistory(tx, line.order_line_id, 'cancelled', input.now, `cancelled by ${input.decidedBy} (${input.channel})`)
  const summary = [
    `line ${input.lineNo}: ${step.openQty} × ${step.lineState.sku} cancelled`,
    `refund due: ${amount.toFixed(2)} by ${dueBy}`,
  ]
  if (doc) summary.push(`860 to ${doc.supplierId}: PO ${doc.poNumber} line ${doc.poLine} deleted (control ${doc.controlNumber})`)
  return outcome(step, ids, { summary, refund: { refundId, amount, dueBy, reason: 'customer_cancel' }, switched: null, documents: doc ? [doc] : [] })
}

export function sender(input: RecordChoiceInput) {
  return { qualifier: 'ZZ', id: input.config?.ediId ?? 'WISMO' }
}

/** The line's history keeps the choice beside the sweep's own entries. */
export async function recordHistory(tx: Queryable, orderLineId: number, state: string, now: Date, cause: string): Promise<void> {
  await tx.query(
    `INSERT INTO line_state_history (order_line_id, state, changed_at, cause) VALUES ($1, $2, $3, $4)`,
    [orderLineId, state, now, cause],
  )
}

async function recordSwitch(step: ChoiceStep, snapshot: Parameters<typeof switchLine>[1]): Promise<ChoiceOutcome> {
  return switchLine(step, snapshot)
}

export type { Alternative }

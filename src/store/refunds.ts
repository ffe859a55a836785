import type { Queryable } from './db.ts'
import { DomainError } from '../domain/errors.ts'
import { addBusinessDays, addCalendarDays } from '../domain/calendar.ts'
import type { CalendarConfig, IsoDate } from '../domain/types.ts'

/** Working days within which the refund of a cancelled line is due (16 CFR 435.1(d)(2)(i)). */
export const REFUND_WORKING_DAYS = 7
/**
 * On the store's own credit the rule asks for a credit within one billing cycle (435.1(d)(2)(ii));
 * wismo does not know the store's statement dates, so it takes a cycle to be 30 days (docs/compliance.md).
 */
export const BILLING_CYCLE_DAYS = 30

/** What a cancellation owes the customer, and by when. */
export interface RefundTerms {
  /** Everything tendered for the units: price + tax + shipping. */
  amount: number
  /** The units' share of the line's tax (orders CSV `line_tax`). */
  tax: number
  /** The order's shipping and handling (`order_shipping`), once nothing of the order ships. */
  shipping: number
  dueBy: IsoDate
}

const cents = (n: number) => Math.round(n * 100) / 100

/**
 * The refund for `qty` units of a line just cancelled (call it after the line's cancelled_qty
 * counts them): the entire amount tendered for what will not ship — their price, their share of
 * the line's tax (rounded so the parts of a line cancelled bit by bit add up to its tax) and,
 * when this leaves nothing of the order to ship, the order's shipping and handling, once. Due 7
 * working days after `today` (the store's day), or one billing cycle on the store's credit.
 */
export async function refundTerms(tx: Queryable, c: { orderLineId: number; qty: number; today: IsoDate; calendar: CalendarConfig }): Promise<RefundTerms> {
  const [r] = await tx.query<{ price: string | null; qty: number; cancelled: number; line_tax: string | null; credit: boolean; shipping: string | null; nothing_ships: boolean }>(
    `SELECT coalesce(l.unit_price, p.price) AS price, l.qty, coalesce(l.cancelled_qty, l.qty) AS cancelled, l.line_tax, o.seller_credit AS credit,
            o.order_shipping AS shipping,
            NOT EXISTS (SELECT 1 FROM order_lines x WHERE x.order_id = l.order_id AND (x.cancelled_at IS NULL OR coalesce(x.cancelled_qty, x.qty) < x.qty))
              AND NOT EXISTS (SELECT 1 FROM shipments s JOIN order_lines x USING (order_line_id) WHERE x.order_id = l.order_id)
              AND NOT EXISTS (SELECT 1 FROM refunds f JOIN order_lines x USING (order_line_id) WHERE x.order_id = l.order_id AND f.shipping > 0)
              AS nothing_ships
       FROM order_lines l JOIN orders o USING (order_id) LEFT JOIN products p ON p.sku = l.sku
      WHERE l.order_line_id = $1`,
    [c.orderLineId],
  )
  if (!r) throw new DomainError('REFUND_LINE_NOT_FOUND', `order line ${c.orderLineId} not found`)
  const lineTax = Number(r.line_tax ?? 0)
  const upTo = (units: number) => cents((lineTax * Math.min(units, r.qty)) / r.qty)
  const tax = Math.max(0, cents(upTo(r.cancelled) - upTo(r.cancelled - c.qty)))
  const shipping = r.nothing_ships ? Number(r.shipping ?? 0) : 0
  const dueBy = r.credit ? addCalendarDays(c.today, BILLING_CYCLE_DAYS) : addBusinessDays(c.today, REFUND_WORKING_DAYS, c.calendar)
  return { amount: cents(Number(r.price ?? 0) * c.qty + tax + shipping), tax, shipping, dueBy }
}

export interface RefundDueInput {
  orderLineId: number
  qty: number
  /** In the store's currency, rounded to cents: everything refunded, tax and shipping included. */
  amount: number
  /** The part of amount that is tax, and that is the order's shipping (0 when none). */
  tax?: number
  shipping?: number
  /** customer_cancel, price_difference, no_consent, no_notice, rejected, retailer_cancel … */
  reason: string
  /** The day it must be paid by (FTC: 7 working days for a cancelled mail order). */
  dueBy: string
  choiceId?: number | null
  now: Date
}

export interface RefundRow {
  refundId: number
  orderNumber: string
  lineNo: number
  sku: string
  qty: number
  /** Everything to pay back; `tax` and `shipping` are the parts of it that are tax and the order's shipping. */
  amount: number
  tax: number
  shipping: number
  reason: string
  dueBy: string
  createdAt: string
}

/** Records a refund due to the customer for a line; returns its id. */
export async function recordRefundDue(tx: Queryable, input: RefundDueInput): Promise<number> {
  const amount = Math.round(input.amount * 100) / 100
  if (!Number.isFinite(amount) || amount < 0) throw new DomainError('REFUND_AMOUNT_INVALID', `refund amount must be ≥ 0, got ${input.amount}`)
  if (!Number.isInteger(input.qty) || input.qty < 0) throw new DomainError('REFUND_QTY_INVALID', `refund quantity must be a whole number ≥ 0, got ${input.qty}`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueBy)) throw new DomainError('REFUND_DUE_INVALID', `refund due date must be YYYY-MM-DD, got ${input.dueBy}`)
  const [row] = await tx.query<{ refund_id: number }>(
    `INSERT INTO refunds (order_line_id, qty, amount, reason, due_by, choice_id, created_at, tax, shipping)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING refund_id`,
    [input.orderLineId, input.qty, amount, input.reason, input.dueBy, input.choiceId ?? null, input.now, cents(input.tax ?? 0), cents(input.shipping ?? 0)],
  )
  return row.refund_id
}

/** Refunds, oldest first, after a cursor (refund id) so a reader can page through them. */
export async function listRefunds(db: Queryable, opts: { after?: number; limit?: number; orderNumber?: string } = {}): Promise<RefundRow[]> {
  const rows = await db.query<{
    refund_id: number; order_number: string; line_no: number; sku: string; qty: number; amount: number; tax: string; shipping: string
    reason: string; due_by: string; created_at: Date
  }>(
    `SELECT r.refund_id, o.order_number, l.line_no, coalesce(c.from_sku, l.sku) AS sku, r.qty, r.amount, r.tax, r.shipping, r.reason, r.due_by, r.created_at
       FROM refunds r JOIN order_lines l ON l.order_line_id = r.order_line_id JOIN orders o ON o.order_id = l.order_id
       LEFT JOIN line_choices c ON c.choice_id = r.choice_id
      WHERE r.refund_id > $1 AND ($3::text IS NULL OR o.order_number = $3)
      ORDER BY r.refund_id LIMIT $2`,
    [opts.after ?? 0, opts.limit ?? 500, opts.orderNumber ?? null],
  )
  return rows.map((r) => ({
    refundId: r.refund_id, orderNumber: r.order_number, lineNo: r.line_no, sku: r.sku, qty: r.qty, amount: Number(r.amount), tax: Number(r.tax), shipping: Number(r.shipping),
    reason: r.reason, dueBy: r.due_by, createdAt: r.created_at.toISOString(),
  }))
}

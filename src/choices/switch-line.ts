/**
 * A switch: the line moves to an alternative. The old PO line is cancelled at its supplier (860),
 * a new one is placed with the alternative's supplier (850, PO `<old PO>-R<n>`), and the order
 * line follows the new item — its SKU, supplier, a fresh promise from that supplier's lead time,
 * and the price the customer pays from now on.
 */
import { DomainError } from '../domain/errors.ts'
import { addBusinessDays, localDay } from '../domain/calendar.ts'
import type { Alternative } from '../domain/alternatives.ts'
import type { LineSnapshot } from '../store/order-snapshot.ts'
import { alternativesForLines, DEFAULT_ALTERNATIVES_DELAY_DAYS } from '../status/line-alternatives.ts'
import { loadAlternativeInputs, candidatesFor } from '../store/alternatives.ts'
import { reservationKey } from '../domain/alternatives.ts'
import { recordRefundDue } from '../store/refunds.ts'
import { placePurchaseLine, requestSupplierCancel } from '../purchasing/documents.ts'
import { planPrice } from './choice-rules.ts'
import { insertChoice, outcome, recordHistory, REFUND_BUSINESS_DAYS, sender, type ChoiceOutcome, type ChoiceStep } from './record-choice.ts'

/** Why a SKU that is not offered is not: out of stock when it would otherwise be a candidate. */
async function refusal(step: ChoiceStep, sku: string): Promise<DomainError> {
  const inputs = await loadAlternativeInputs(step.tx, [{ orderLineId: step.line.order_line_id, sku: step.lineState.sku }])
  const related = candidatesFor(inputs, step.lineState.sku)
  const isCandidate = related.products.some((p) => p.sku === sku) && sku !== step.lineState.sku
  const otherSupplier = sku === step.lineState.sku
  if (isCandidate || otherSupplier) {
    const free = (o: (typeof related.offers)[number]) => (o.availableQty ?? 0) - (inputs.reserved.get(reservationKey(o.supplierId, o.sku)) ?? 0)
    const inStock = related.offers.some((o) => o.sku === sku && o.supplierId !== step.lineState.supplierId && free(o) >= step.openQty)
    if (!inStock) return new DomainError('CHOICE_OUT_OF_STOCK', `${sku} is no longer in stock for ${step.openQty} (another customer may have taken it); choose another option`)
  }
  return new DomainError('CHOICE_SKU_NOT_OFFERED', `${sku} is not among line ${step.input.lineNo}'s current alternatives`)
}

async function pickAlternative(step: ChoiceStep, snapshot: LineSnapshot): Promise<Alternative> {
  const sku = step.input.sku as string
  const [alts] = await alternativesForLines(step.tx, [{ snapshot, status: step.status }], {
    now: step.input.now, calendar: step.calendar,
    alternativesDelayDays: step.input.config?.alternativesDelayDays ?? DEFAULT_ALTERNATIVES_DELAY_DAYS,
  })
  const alt = alts.find((a) => a.sku === sku)
  if (!alt) throw await refusal(step, sku)
  return alt
}

async function currentUnitPrice(step: ChoiceStep): Promise<number | null> {
  const [row] = await step.tx.query<{ price: number | null }>(
    `SELECT coalesce(l.unit_price, p.price) AS price FROM order_lines l LEFT JOIN products p ON p.sku = l.sku WHERE l.order_line_id = $1`,
    [step.line.order_line_id],
  )
  return row?.price === null || row?.price === undefined ? null : Number(row.price)
}

/** Carries out a switch to `step.input.sku`; refusals (not offered, out of stock, price unconfirmed) change nothing. */
export async function switchLine(step: ChoiceStep, snapshot: LineSnapshot): Promise<ChoiceOutcome> {
  const { tx, line, input } = step
  const alt = await pickAlternative(step, snapshot)
  const unitPrice = await currentUnitPrice(step)
  const plan = planPrice(alt, unitPrice, input.config?.switchAbsorbPercent ?? 0, input.acceptPrice === true)
  const ids = await insertChoice(step, {
    sku: alt.sku, supplierId: alt.supplierId, priceDelta: alt.priceDelta,
    detail: { kind: alt.kind, eta: alt.eta, absorbed: plan.absorbed, acceptPrice: input.acceptPrice === true, state: step.status.state },
  })
  const [old] = await tx.query<{ po_line_id: number }>(
    'SELECT po_line_id FROM po_lines WHERE order_line_id = $1 AND active ORDER BY po_line_id DESC LIMIT 1',
    [line.order_line_id],
  )
  const cancelDoc = await requestSupplierCancel(tx, { orderLineId: line.order_line_id, reason: 'resourced', now: input.now, sender: sender(input) })
  const placed = await placePurchaseLine(tx, {
    orderLineId: line.order_line_id, supplierId: alt.supplierId, sku: alt.sku, qty: step.openQty,
    fromPoLineId: old?.po_line_id ?? null, now: input.now, sender: sender(input),
  })
  await tx.query(
    `UPDATE order_lines SET sku = $2, supplier_id = $3, promised_ship_date = $4, unit_price = $5, dirty = true, state = 'processing',
            state_changed_at = $6 WHERE order_line_id = $1`,
    [line.order_line_id, alt.sku, alt.supplierId, alt.shipDate, plan.unitPrice, input.now],
  )
  const from = `${step.lineState.sku}${step.lineState.supplierId ? ` (${step.lineState.supplierId})` : ''}`
  await recordHistory(tx, line.order_line_id, 'processing', input.now, `switched by ${input.decidedBy} (${input.channel}) from ${from} to ${alt.sku} (${alt.supplierId}), PO ${placed.poNumber}`)
  const summary = [
    // The same SKU is not a switch to the customer or the rep: only its supplier changes.
    alt.kind === 'other_supplier'
      ? `line ${input.lineNo}: the same item ${alt.sku}, now from ${alt.supplierId} (stock found elsewhere), arriving around ${alt.eta}`
      : `line ${input.lineNo}: switched from ${step.lineState.sku} to ${alt.sku} (${alt.kind}), arriving around ${alt.eta}`,
    `850 to ${alt.supplierId}: PO ${placed.poNumber} line ${placed.poLine}, ${step.openQty} × ${alt.sku} (control ${placed.controlNumber})`,
  ]
  if (cancelDoc) summary.push(`860 to ${cancelDoc.supplierId}: PO ${cancelDoc.poNumber} line ${cancelDoc.poLine} deleted (control ${cancelDoc.controlNumber})`)
  let refund: ChoiceOutcome['refund'] = null
  if (plan.refundPerUnit > 0) {
    const amount = Math.round(plan.refundPerUnit * step.openQty * 100) / 100
    const dueBy = addBusinessDays(localDay(input.now, step.calendar), REFUND_BUSINESS_DAYS, step.calendar)
    const refundId = await recordRefundDue(tx, {
      orderLineId: line.order_line_id, qty: step.openQty, amount, reason: 'price_difference', dueBy, choiceId: ids.choiceId, now: input.now,
    })
    refund = { refundId, amount, dueBy, reason: 'price_difference' }
    summary.push(`refund of the difference due: ${amount.toFixed(2)} by ${dueBy}`)
  } else if (plan.absorbed) summary.push(`price difference ${alt.priceDelta.toFixed(2)} per unit absorbed by the store`)
  else if (alt.priceDelta > 0) summary.push(`the customer accepted paying ${alt.priceDelta.toFixed(2)} more per unit`)
  return outcome(step, ids, {
    summary, refund, documents: cancelDoc ? [cancelDoc, placed] : [placed],
    switched: { kind: alt.kind, sku: alt.sku, name: alt.name, supplierId: alt.supplierId, poNumber: placed.poNumber, poLine: placed.poLine, priceDelta: alt.priceDelta, eta: alt.eta },
  })
}

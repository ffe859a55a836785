/**
 * The Mutation root fields wismo calls, with Shopify's userErrors on bad input (changing
 * nothing) and the state changes Shopify makes: holds put a fulfillment order ON_HOLD,
 * fulfillments use up remaining quantities, refunds and cancellations take lines away.
 */
import { gid, money, parseGid, paymentOf, refundableOn, type FakeFulfillmentOrder, type FakeOrder, type FakeTransaction, type ShopState } from './state.ts'
import type { Views } from './views.ts'

type Err = { field: string[] | null; message: string; code?: string | null; elementIndex?: number | null }
const err = (field: string[] | null, message: string, code: string | null = null): Err => ({ field, message, code })

const HOLD_LIMIT = 10
const STATUS_TEXT: Record<string, string> = { CLOSED: 'closed', CANCELLED: 'cancelled', ON_HOLD: 'on_hold', INCOMPLETE: 'incomplete', SCHEDULED: 'scheduled' }

interface FoLineInput { id: string; quantity: number }

export function mutations(state: ShopState, views: Views) {
  const now = () => state.stamp()
  const fo = (id: string) => {
    const n = parseGid(id, 'FulfillmentOrder')
    return n === null ? undefined : state.findFulfillmentOrder(n)
  }

  return {
    fulfillmentOrderHold(args: { id: string; fulfillmentHold: { reason: string; reasonNotes?: string | null; handle?: string | null; notifyMerchant?: boolean | null; externalId?: string | null; fulfillmentOrderLineItems?: FoLineInput[] | null } }) {
      const found = fo(args.id)
      const none = { fulfillmentHold: null, fulfillmentOrder: null, remainingFulfillmentOrder: null }
      if (!found) return { ...none, userErrors: [err(['id'], 'Fulfillment order does not exist.', 'FULFILLMENT_ORDER_NOT_FOUND')] }
      const { order, fo: f } = found
      const input = args.fulfillmentHold
      if (!['OPEN', 'IN_PROGRESS', 'ON_HOLD'].includes(f.status)) {
        return { ...none, userErrors: [err(['id'], `The fulfillment order's status is ${STATUS_TEXT[f.status] ?? f.status}, and it can't be placed on hold.`)] }
      }
      const handle = input.handle ?? ''
      if (f.holds.some((h) => (h.handle ?? '') === handle)) {
        return { ...none, userErrors: [err(['fulfillmentHold', 'handle'], 'The handle provided for the fulfillment hold is already in use by this app for another hold on this fulfillment order.', 'DUPLICATE_FULFILLMENT_HOLD_HANDLE')] }
      }
      if (f.holds.length >= HOLD_LIMIT) return { ...none, userErrors: [err(['id'], 'The maximum number of fulfillment holds for this fulfillment order has been reached for this app. An app can only have up to 10 holds on a single fulfillment order at any one time.', 'FULFILLMENT_ORDER_HOLD_LIMIT_REACHED')] }
      const wanted = input.fulfillmentOrderLineItems ?? null
      let split: FakeFulfillmentOrder | null = null
      if (wanted && wanted.length > 0) {
        for (const [i, w] of wanted.entries()) {
          const line = f.lines.find((l) => l.id === parseGid(w.id, 'FulfillmentOrderLineItem'))
          const field = ['fulfillmentHold', 'fulfillmentOrderLineItems', String(i)]
          if (w.quantity <= 0) return { ...none, userErrors: [err([...field, 'quantity'], 'You must select at least one item to place on partial hold.', 'GREATER_THAN_ZERO')] }
          if (!line || w.quantity > line.remainingQuantity) return { ...none, userErrors: [err([...field, 'quantity'], 'The line item quantity is invalid.', 'INVALID_LINE_ITEM_QUANTITY')] }
        }
        const partial = f.lines.some((l) => l.remainingQuantity > (wanted.find((w) => parseGid(w.id, 'FulfillmentOrderLineItem') === l.id)?.quantity ?? 0))
        if (partial && f.status === 'ON_HOLD') return { ...none, userErrors: [err(['id'], 'The fulfillment order could not be split.', 'FULFILLMENT_ORDER_NOT_SPLITTABLE')] }
        if (partial) split = splitOff(state, order, f, wanted)
      }
      const hold = {
        id: state.nextId(), handle: input.handle ?? null, reason: input.reason, reasonNotes: input.reasonNotes ?? null,
        notifyMerchant: input.notifyMerchant ?? null, externalId: input.externalId ?? null,
        lineItems: wanted?.map((w) => ({ id: parseGid(w.id, 'FulfillmentOrderLineItem')!, quantity: w.quantity })) ?? null,
      }
      f.holds.push(hold)
      f.status = 'ON_HOLD'
      f.updatedAt = now()
      state.touch(order)
      return {
        fulfillmentHold: views.hold(hold), fulfillmentOrder: views.fulfillmentOrder(order, f),
        remainingFulfillmentOrder: split && views.fulfillmentOrder(order, split), userErrors: [],
      }
    },

    fulfillmentOrderReleaseHold(args: { id: string; holdIds?: string[] | null; externalId?: string | null }) {
      const found = fo(args.id)
      if (!found) return { fulfillmentOrder: null, userErrors: [err(['id'], 'Fulfillment order does not exist.', 'FULFILLMENT_ORDER_NOT_FOUND')] }
      const { order, fo: f } = found
      const ids = args.holdIds?.map((h) => parseGid(h, 'FulfillmentHold'))
      if (ids) {
        const bad = ids.findIndex((id) => !f.holds.some((h) => h.id === id))
        if (bad >= 0) return { fulfillmentOrder: null, userErrors: [err(['holdIds', String(bad)], `Fulfillment hold ${args.holdIds![bad]} does not exist on this fulfillment order.`)] }
      }
      if (f.status !== 'ON_HOLD') return { fulfillmentOrder: null, userErrors: [err(['id'], 'The fulfillment order is not on hold.')] }
      f.holds = ids ? f.holds.filter((h) => !ids.includes(h.id)) : []
      if (f.holds.length === 0) f.status = f.lines.some((l) => l.remainingQuantity < l.totalQuantity) ? 'IN_PROGRESS' : 'OPEN'
      f.updatedAt = now()
      state.touch(order)
      return { fulfillmentOrder: views.fulfillmentOrder(order, f), userErrors: [] }
    },

    fulfillmentCreate(args: { fulfillment: { lineItemsByFulfillmentOrder: { fulfillmentOrderId: string; fulfillmentOrderLineItems?: FoLineInput[] | null }[]; trackingInfo?: { company?: string | null; number?: string | null; numbers?: string[] | null; url?: string | null; urls?: string[] | null } | null; notifyCustomer?: boolean | null }; message?: string | null }) {
      const input = args.fulfillment
      const fail = (field: string[], message: string) => ({ fulfillment: null, userErrors: [err(field, message)] })
      const plan: { f: FakeFulfillmentOrder; lineId: number; foLineId: number; quantity: number }[] = []
      let order: FakeOrder | null = null
      for (const [i, group] of input.lineItemsByFulfillmentOrder.entries()) {
        const field = ['fulfillment', 'lineItemsByFulfillmentOrder', String(i)]
        const found = fo(group.fulfillmentOrderId)
        if (!found) return fail([...field, 'fulfillmentOrderId'], 'Fulfillment order does not exist.')
        if (order && found.order !== order) return fail([...field, 'fulfillmentOrderId'], 'All fulfillment orders must belong to the same order.')
        order = found.order
        const f = found.fo
        if (f.status !== 'OPEN' && f.status !== 'IN_PROGRESS') {
          return fail([...field, 'fulfillmentOrderId'], `Fulfillment order ${f.id} has an unfulfillable status= ${STATUS_TEXT[f.status] ?? f.status.toLowerCase()}.`)
        }
        const wanted = group.fulfillmentOrderLineItems?.length
          ? group.fulfillmentOrderLineItems.map((w) => ({ foLineId: parseGid(w.id, 'FulfillmentOrderLineItem'), quantity: w.quantity }))
          : f.lines.filter((l) => l.remainingQuantity > 0).map((l) => ({ foLineId: l.id, quantity: l.remainingQuantity }))
        for (const [j, w] of wanted.entries()) {
          const line = f.lines.find((l) => l.id === w.foLineId)
          if (!line) return fail([...field, 'fulfillmentOrderLineItems', String(j), 'id'], 'Invalid fulfillment order line item id.')
          if (w.quantity <= 0 || w.quantity > line.remainingQuantity) return fail([...field, 'fulfillmentOrderLineItems', String(j), 'quantity'], 'Invalid fulfillment order line item quantity requested.')
          plan.push({ f, lineId: line.lineId, foLineId: line.id, quantity: w.quantity })
        }
      }
      if (!order || plan.length === 0) return fail(['fulfillment'], 'Fulfillment must include at least one line item.')
      for (const p of plan) p.f.lines.find((l) => l.id === p.foLineId)!.remainingQuantity -= p.quantity
      const at = now()
      for (const f of new Set(plan.map((p) => p.f))) {
        f.status = f.lines.every((l) => l.remainingQuantity === 0) ? 'CLOSED' : 'IN_PROGRESS'
        f.updatedAt = at
      }
      const t = input.trackingInfo
      const number = t?.number ?? t?.numbers?.[0] ?? null
      const fulfillment = {
        id: state.nextId(), status: 'SUCCESS' as const, createdAt: at,
        trackingInfo: number || t?.company ? [{ company: t?.company ?? null, number, url: t?.url ?? t?.urls?.[0] ?? null }] : [],
        lines: plan.map((p) => ({ id: state.nextId(), lineId: p.lineId, quantity: p.quantity })),
        fulfillmentOrderIds: [...new Set(plan.map((p) => p.f.id))],
        notifyCustomer: input.notifyCustomer ?? null, message: args.message ?? null,
      }
      order.fulfillments.push(fulfillment)
      state.touch(order, at)
      return { fulfillment: views.fulfillment(order, fulfillment), userErrors: [] }
    },

    orderCancel(args: { orderId: string; reason: string; refund: boolean; restock: boolean; notifyCustomer?: boolean | null; staffNote?: string | null }) {
      const order = parseGid(args.orderId, 'Order') === null ? undefined : state.order(args.orderId)
      const fail = (e: Err) => ({ job: null, orderCancelUserErrors: [e], userErrors: [{ field: e.field, message: e.message }] })
      if (!order) return fail(err(['orderId'], 'Order does not exist', 'NOT_FOUND'))
      if (order.cancelledAt) return fail(err(['orderId'], 'Order has already been cancelled', 'INVALID'))
      if (order.fulfillments.some((f) => f.status === 'SUCCESS')) return fail(err(['orderId'], 'Cannot cancel an order that has fulfillments. Cancel the fulfillments first.', 'INVALID'))
      const at = now()
      if (args.refund) {
        const lines = order.lines.filter((l) => l.currentQuantity > 0)
        const payment = paymentOf(order)
        const amount = payment ? refundableOn(order, payment) : 0
        if (payment && amount > 0) order.transactions.push({ id: state.nextId(), kind: 'REFUND', status: 'SUCCESS', gateway: payment.gateway, amount: money(amount), parentId: payment.id, createdAt: at })
        order.refunds.push({
          id: state.nextId(), note: args.staffNote ?? null, createdAt: at, notify: args.notifyCustomer ?? null, amount: money(amount),
          lines: lines.map((l) => ({ id: state.nextId(), lineId: l.id, quantity: l.currentQuantity, restockType: args.restock ? 'CANCEL' : 'NO_RESTOCK' })),
          transactions: payment && amount > 0 ? [{ gateway: payment.gateway, kind: 'REFUND', amount: money(amount), parentId: gid('OrderTransaction', payment.id) }] : [],
        })
        order.financialStatus = 'REFUNDED'
      }
      for (const l of order.lines) l.currentQuantity = 0
      for (const f of order.fulfillmentOrders) {
        if (f.status === 'CLOSED') continue
        f.status = 'CLOSED'
        f.updatedAt = at
        for (const l of f.lines) l.remainingQuantity = 0
      }
      order.cancelledAt = at
      order.cancelReason = args.reason
      order.closedAt = at
      order.cancellation = { reason: args.reason, refund: args.refund, restock: args.restock, notifyCustomer: args.notifyCustomer ?? null, staffNote: args.staffNote ?? null }
      state.touch(order, at)
      return { job: { __typename: 'Job', id: gid('Job', state.nextId()), done: true }, orderCancelUserErrors: [], userErrors: [] }
    },

    refundCreate(args: { input: { orderId: string; note?: string | null; notify?: boolean | null; refundLineItems?: { lineItemId: string; quantity: number; restockType?: string | null }[] | null; transactions?: { orderId: string; gateway: string; kind: string; amount: string | number; parentId?: string | null }[] | null } }) {
      const input = args.input
      const order = parseGid(input.orderId, 'Order') === null ? undefined : state.order(input.orderId)
      const fail = (field: string[], message: string) => ({ refund: null, order: null, userErrors: [err(field, message)] })
      if (!order) return fail(['orderId'], 'Order does not exist')
      const items = input.refundLineItems ?? []
      for (const [i, r] of items.entries()) {
        const line = order.lines.find((l) => l.id === parseGid(r.lineItemId, 'LineItem'))
        const field = ['refundLineItems', String(i)]
        if (!line) return fail([...field, 'lineItemId'], 'Line item does not exist on this order.')
        const asked = items.filter((x) => x.lineItemId === r.lineItemId).reduce((s, x) => s + x.quantity, 0)
        if (r.quantity <= 0 || asked > line.currentQuantity) return fail([...field, 'quantity'], `Quantity cannot refund more items than were purchased.`)
      }
      const parents: FakeTransaction[] = []
      for (const [i, t] of (input.transactions ?? []).entries()) {
        const field = ['transactions', String(i)]
        if (t.orderId !== input.orderId) return fail([...field, 'orderId'], 'Transaction must belong to the refunded order.')
        if (t.kind !== 'REFUND') return fail([...field, 'kind'], 'Kind must be refund.')
        const parent = t.parentId ? order.transactions.find((x) => x.id === parseGid(t.parentId, 'OrderTransaction')) : paymentOf(order)
        if (!parent || (parent.kind !== 'SALE' && parent.kind !== 'CAPTURE')) return fail([...field, 'parentId'], 'Parent transaction does not exist or cannot be refunded.')
        const before = parents.reduce((sum, p, j) => sum + (p === parent ? Number(input.transactions![j].amount) : 0), 0)
        if (Number(t.amount) <= 0 || Number(t.amount) + before > refundableOn(order, parent) + 1e-9) return fail([...field, 'amount'], `Amount cannot exceed the refundable amount of ${money(refundableOn(order, parent))}.`)
        parents.push(parent)
      }
      const at = now()
      const amount = (input.transactions ?? []).reduce((s, t) => s + Number(t.amount), 0)
      const refund = {
        id: state.nextId(), note: input.note ?? null, createdAt: at, notify: input.notify ?? null, amount: money(amount),
        lines: items.map((r) => ({ id: state.nextId(), lineId: parseGid(r.lineItemId, 'LineItem')!, quantity: r.quantity, restockType: r.restockType ?? 'NO_RESTOCK' })),
        transactions: (input.transactions ?? []).map((t) => ({ gateway: t.gateway, kind: t.kind, amount: money(Number(t.amount)), parentId: t.parentId ?? null })),
      }
      for (const r of refund.lines) takeFromLine(order, r.lineId, r.quantity, at)
      order.refunds.push(refund)
      for (const [i, t] of refund.transactions.entries()) {
        order.transactions.push({ id: state.nextId(), kind: 'REFUND', status: 'SUCCESS', gateway: t.gateway, amount: t.amount, parentId: parents[i].id, createdAt: at })
      }
      const refunded = order.refunds.reduce((s, r) => s + Number(r.amount), 0)
      if (refunded > 0) order.financialStatus = order.lines.every((l) => l.currentQuantity === 0) ? 'REFUNDED' : 'PARTIALLY_REFUNDED'
      state.touch(order, at)
      return { refund: views.refund(order, refund), order: views.order(order), userErrors: [] }
    },

    metafieldsSet(args: { metafields: { ownerId: string; namespace?: string | null; key: string; type?: string | null; value: string; compareDigest?: string | null }[] }) {
      const fail = (i: number, field: string, message: string, code: string) =>
        ({ metafields: null, userErrors: [{ field: ['metafields', String(i), field], message, code, elementIndex: i }] })
      if (args.metafields.length > 25) return fail(0, 'metafields', 'Exceeded the maximum metafields input limit of 25.', 'LESS_THAN_OR_EQUAL_TO')
      for (const [i, m] of args.metafields.entries()) {
        const order = parseGid(m.ownerId, 'Order') === null ? undefined : state.order(m.ownerId)
        if (!order) return fail(i, 'ownerId', 'Owner does not exist.', 'INVALID_VALUE')
        const existing = order.metafields.find((x) => x.namespace === (m.namespace ?? '$app') && x.key === m.key)
        const type = m.type ?? existing?.type
        if (!type) return fail(i, 'type', "Type can't be blank.", 'BLANK')
        if (type === 'url' && !/^https?:\/\/\S+$/.test(m.value)) return fail(i, 'value', 'Value must be a valid URL with the http or https scheme.', 'INVALID_VALUE')
        if (type === 'single_line_text_field' && /[\r\n]/.test(m.value)) return fail(i, 'value', 'Value must be a single line text string.', 'INVALID_VALUE')
      }
      const at = now()
      const out = args.metafields.map((m) => {
        const order = state.order(m.ownerId)!
        const namespace = m.namespace ?? '$app'
        let mf = order.metafields.find((x) => x.namespace === namespace && x.key === m.key)
        if (mf) Object.assign(mf, { value: m.value, type: m.type ?? mf.type, updatedAt: at })
        else order.metafields.push((mf = { id: state.nextId(), namespace, key: m.key, type: m.type!, value: m.value, createdAt: at, updatedAt: at }))
        return views.metafield(order, mf)
      })
      return { metafields: out, userErrors: [] }
    },
  }
}

/** Held lines move to the held FO; the rest go to a new OPEN one (Shopify's partial hold). */
function splitOff(state: ShopState, order: FakeOrder, f: FakeFulfillmentOrder, held: FoLineInput[]): FakeFulfillmentOrder {
  const at = state.stamp()
  const rest: FakeFulfillmentOrder = { id: state.nextId(), status: 'OPEN', requestStatus: 'UNSUBMITTED', holds: [], createdAt: at, updatedAt: at, lines: [] }
  for (const l of f.lines) {
    const keep = held.find((w) => parseGid(w.id, 'FulfillmentOrderLineItem') === l.id)?.quantity ?? 0
    const move = l.remainingQuantity - keep
    if (move <= 0) continue
    rest.lines.push({ id: state.nextId(), lineId: l.lineId, totalQuantity: move, remainingQuantity: move })
    l.totalQuantity -= move
    l.remainingQuantity -= move
  }
  f.lines = f.lines.filter((l) => l.totalQuantity > 0)
  order.fulfillmentOrders.push(rest)
  return rest
}

/** A refund or removal takes units off the line and out of what is still to fulfil. */
export function takeFromLine(order: FakeOrder, lineId: number, quantity: number, at: string): void {
  const line = order.lines.find((l) => l.id === lineId)!
  line.currentQuantity -= quantity
  let left = quantity
  // Units not held go first: an edit or refund leaves a hold on what is still wanted.
  const held = (f: FakeFulfillmentOrder) => (f.status === 'ON_HOLD' ? 1 : 0)
  for (const f of [...order.fulfillmentOrders].sort((a, b) => held(a) - held(b))) {
    for (const l of f.lines) {
      if (l.lineId !== lineId || left === 0) continue
      const take = Math.min(left, l.remainingQuantity)
      l.remainingQuantity -= take
      left -= take
    }
    if (f.status !== 'CLOSED' && f.lines.every((l) => l.remainingQuantity === 0)) {
      f.status = 'CLOSED'
      f.updatedAt = at
    }
  }
}

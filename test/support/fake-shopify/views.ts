/**
 * What the GraphQL executor sees: plain objects whose function properties graphql-js calls as
 * field resolvers with (args, ctx, info). Built fresh from the state on every read.
 */
import { GraphQLError } from 'graphql'
import {
  gid, lineRefundAmount, money, parseGid, paymentOf, refundableOn, type FakeAddress, type FakeTransaction, type FakeFulfillment, type FakeFulfillmentOrder, type FakeHold, type FakeLine, type FakeMetafield,
  type FakeOrder, type FakeRefund, type Money, type ShopState,
} from './state.ts'

const MAX_PAGE = 250

export interface Page { first?: number | null; last?: number | null; after?: string | null; before?: string | null; reverse?: boolean | null }

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64')
}
export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'))
    if (v && typeof v === 'object') return v
  } catch {}
  throw new GraphQLError('Invalid cursor for current pagination sort.', { extensions: { code: 'BAD_REQUEST' } })
}

function pageSize(args: Page): number {
  const n = args.first ?? args.last
  if (n === null || n === undefined) throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } })
  if (n > MAX_PAGE || n < 0) throw new GraphQLError(`The value of 'first' or 'last' must be between 0 and ${MAX_PAGE}.`, { extensions: { code: 'BAD_REQUEST' } })
  return n
}

/** A connection over items in order; cursors name the last item's id. */
export function connection<T extends { id: number }, V>(items: T[], args: Page, view: (item: T) => V) {
  const n = pageSize(args)
  let list = args.reverse ? [...items].reverse() : items
  let start = 0
  if (args.after) {
    const lastId = decodeCursor(args.after).last_id
    start = list.findIndex((i) => i.id === lastId) + 1
  }
  list = list.slice(start)
  return connectionOf(list.slice(0, n), list.length > n, start > 0, (i) => encodeCursor({ last_id: i.id }), view)
}

export function connectionOf<T, V>(page: T[], hasNextPage: boolean, hasPreviousPage: boolean, cursor: (item: T) => string, view: (item: T) => V) {
  const nodes = page.map(view)
  const edges = page.map((item, i) => ({ node: nodes[i], cursor: cursor(item) }))
  return {
    nodes, edges,
    pageInfo: {
      hasNextPage, hasPreviousPage,
      startCursor: page.length > 0 ? cursor(page[0]) : null,
      endCursor: page.length > 0 ? cursor(page[page.length - 1]) : null,
    },
  }
}

const moneyBag = (amount: Money | number, currencyCode: string) => {
  const m = { amount: typeof amount === 'number' ? money(amount) : amount, currencyCode }
  return { shopMoney: m, presentmentMoney: m }
}

export class Views {
  constructor(private readonly state: ShopState, private readonly shopDomain: string) {}

  order(o: FakeOrder) {
    const v = this
    const lineTotal = o.lines.reduce((s, l) => s + Number(l.discountedPrice) * l.currentQuantity, 0)
    const tax = o.lines.reduce((s, l) => s + l.taxLines.reduce((t, x) => t + Number(x.price), 0), 0)
    const refunded = o.refunds.reduce((s, r) => s + Number(r.amount), 0)
    const address = o.shippingAddress
    return {
      __typename: 'Order',
      id: gid('Order', o.id), legacyResourceId: String(o.id), name: `#${o.number}`,
      email: o.email, phone: o.phone, createdAt: o.createdAt, updatedAt: o.updatedAt, processedAt: o.processedAt,
      cancelledAt: o.cancelledAt, cancelReason: o.cancelReason, closed: o.closedAt !== null, closedAt: o.closedAt,
      displayFinancialStatus: o.financialStatus, displayFulfillmentStatus: fulfillmentStatus(o),
      note: o.note, tags: o.tags, currencyCode: o.currency, fullyPaid: o.financialStatus === 'PAID',
      currentSubtotalLineItemsQuantity: o.lines.reduce((s, l) => s + l.currentQuantity, 0),
      customer: o.customer && {
        __typename: 'Customer', id: gid('Customer', o.customer.id), legacyResourceId: String(o.customer.id),
        firstName: o.customer.firstName, lastName: o.customer.lastName, email: o.customer.email, phone: o.customer.phone,
        displayName: [o.customer.firstName, o.customer.lastName].filter(Boolean).join(' ') || (o.customer.email ?? ''),
      },
      shippingAddress: address && mailingAddress(o.id, address),
      billingAddress: o.billingAddress && mailingAddress(o.id + 1, o.billingAddress),
      transactions: (args: { first?: number }) => o.transactions.slice(0, args.first ?? undefined).map((t) => v.transaction(o, t)),
      suggestedRefund: (args: { refundLineItems?: { lineItemId: string; quantity: number }[] | null; refundShipping?: boolean | null; suggestFullRefund?: boolean | null }) => v.suggestedRefund(o, args),
      totalShippingPriceSet: moneyBag(o.shippingPrice, o.currency),
      subtotalPriceSet: moneyBag(lineTotal, o.currency),
      totalPriceSet: moneyBag(o.lines.reduce((s, l) => s + Number(l.discountedPrice) * l.quantity, 0) + tax + Number(o.shippingPrice), o.currency),
      currentTotalPriceSet: moneyBag(lineTotal + tax + Number(o.shippingPrice) - 0, o.currency),
      totalRefundedSet: moneyBag(refunded, o.currency),
      taxLines: [],
      lineItems: (args: Page) => connection(o.lines, args, (l) => v.line(o, l)),
      fulfillmentOrders: (args: Page) => connection(o.fulfillmentOrders, args, (f) => v.fulfillmentOrder(o, f)),
      fulfillments: (args: { first?: number }) => o.fulfillments.slice(0, args.first ?? undefined).map((f) => v.fulfillment(o, f)),
      refunds: (args: { first?: number }) => o.refunds.slice(0, args.first ?? undefined).map((r) => v.refund(o, r)),
      metafield: (args: { namespace?: string | null; key: string }) => {
        const m = o.metafields.find((x) => x.namespace === (args.namespace ?? '$app') && x.key === args.key)
        return m ? v.metafield(o, m) : null
      },
      metafields: (args: Page & { namespace?: string | null }) =>
        connection(o.metafields.filter((m) => !args.namespace || m.namespace === args.namespace), args, (m) => v.metafield(o, m)),
    }
  }

  transaction(o: FakeOrder, t: FakeTransaction): Record<string, unknown> {
    const parent = t.parentId === null ? undefined : o.transactions.find((x) => x.id === t.parentId)
    return {
      __typename: 'OrderTransaction', id: gid('OrderTransaction', t.id), kind: t.kind, status: t.status, gateway: t.gateway,
      amount: t.amount, amountSet: moneyBag(t.amount, o.currency), createdAt: t.createdAt, processedAt: t.createdAt,
      parentTransaction: parent ? () => this.transaction(o, parent) : null,
    }
  }

  /** Shopify's suggestion for refunding some lines: their price and tax, back to the payment. */
  suggestedRefund(o: FakeOrder, args: { refundLineItems?: { lineItemId: string; quantity: number }[] | null; refundShipping?: boolean | null; suggestFullRefund?: boolean | null }) {
    const asked = args.suggestFullRefund
      ? o.lines.map((l) => ({ line: l, quantity: l.currentQuantity }))
      : (args.refundLineItems ?? []).flatMap((r) => {
        const line = o.lines.find((l) => l.id === parseGid(r.lineItemId, 'LineItem'))
        return line ? [{ line, quantity: Math.min(r.quantity, line.currentQuantity) }] : []
      })
    const subtotal = asked.reduce((s, a) => s + Number(a.line.discountedPrice) * a.quantity, 0)
    const shipping = args.refundShipping || args.suggestFullRefund ? Number(o.shippingPrice) : 0
    const amount = asked.reduce((s, a) => s + lineRefundAmount(a.line, a.quantity), 0) + shipping
    const payment = paymentOf(o)
    const refundable = payment ? refundableOn(o, payment) : 0
    const give = Math.min(amount, refundable)
    return {
      __typename: 'SuggestedRefund',
      amount: money(give), amountSet: moneyBag(give, o.currency), subtotalSet: moneyBag(subtotal, o.currency),
      totalTaxSet: moneyBag(amount - subtotal - shipping, o.currency), maximumRefundableSet: moneyBag(refundable, o.currency),
      discountedSubtotalSet: moneyBag(subtotal, o.currency), totalCartDiscountAmountSet: moneyBag(0, o.currency),
      shipping: { amountSet: moneyBag(shipping, o.currency), maximumRefundableSet: moneyBag(o.shippingPrice, o.currency), taxSet: moneyBag(0, o.currency) },
      refundDuties: [],
      refundLineItems: asked.map((a) => ({
        __typename: 'RefundLineItem', id: null, quantity: a.quantity, restockType: 'NO_RESTOCK', lineItem: this.line(o, a.line),
        price: a.line.discountedPrice, priceSet: moneyBag(a.line.discountedPrice, o.currency),
        subtotalSet: moneyBag(Number(a.line.discountedPrice) * a.quantity, o.currency),
      })),
      suggestedTransactions: payment && give > 0 ? [{
        __typename: 'SuggestedOrderTransaction', kind: 'SUGGESTED_REFUND', gateway: payment.gateway, amount: money(give),
        amountSet: moneyBag(give, o.currency), maximumRefundableSet: moneyBag(refundable, o.currency),
        parentTransaction: this.transaction(o, payment),
      }] : [],
    }
  }

  line(o: FakeOrder, l: FakeLine) {
    const unfulfilled = o.fulfillmentOrders.reduce((s, f) => s + f.lines.filter((x) => x.lineId === l.id).reduce((t, x) => t + x.remainingQuantity, 0), 0)
    const fulfillable = o.fulfillmentOrders
      .filter((f) => f.status === 'OPEN' || f.status === 'IN_PROGRESS')
      .reduce((s, f) => s + f.lines.filter((x) => x.lineId === l.id).reduce((t, x) => t + x.remainingQuantity, 0), 0)
    const refunded = o.refunds.reduce((s, r) => s + r.lines.filter((x) => x.lineId === l.id).reduce((t, x) => t + x.quantity, 0), 0)
    return {
      __typename: 'LineItem',
      id: gid('LineItem', l.id), sku: l.sku, name: l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title, title: l.title,
      vendor: l.vendor, quantity: l.quantity, currentQuantity: l.currentQuantity,
      unfulfilledQuantity: unfulfilled, fulfillableQuantity: fulfillable, refundableQuantity: l.quantity - refunded,
      nonFulfillableQuantity: l.quantity - fulfillable,
      variant: l.variantId === null ? null : { __typename: 'ProductVariant', id: gid('ProductVariant', l.variantId), legacyResourceId: String(l.variantId), sku: l.sku, title: l.variantTitle ?? 'Default Title', displayName: l.title, price: l.price },
      originalUnitPriceSet: moneyBag(l.price, o.currency),
      discountedUnitPriceSet: moneyBag(l.discountedPrice, o.currency),
      originalTotalSet: moneyBag(Number(l.price) * l.quantity, o.currency),
      taxLines: () => l.taxLines.map((t) => ({ title: t.title, rate: t.rate, price: t.price, priceSet: moneyBag(t.price, o.currency) })),
    }
  }

  fulfillmentOrder(o: FakeOrder, f: FakeFulfillmentOrder) {
    const v = this
    return {
      __typename: 'FulfillmentOrder',
      id: gid('FulfillmentOrder', f.id), status: f.status, requestStatus: f.requestStatus, createdAt: f.createdAt, updatedAt: f.updatedAt,
      order: () => v.order(o),
      fulfillmentHolds: f.holds.map((h) => v.hold(h)),
      lineItems: (args: Page) => connection(f.lines, args, (x) => {
        const line = o.lines.find((l) => l.id === x.lineId)!
        return {
          __typename: 'FulfillmentOrderLineItem', id: gid('FulfillmentOrderLineItem', x.id), totalQuantity: x.totalQuantity,
          remainingQuantity: x.remainingQuantity, sku: line.sku, vendor: line.vendor, lineItem: v.line(o, line),
          originalUnitPriceSet: moneyBag(line.price, o.currency),
        }
      }),
      fulfillments: (args: Page) => connection(o.fulfillments.filter((x) => x.fulfillmentOrderIds.includes(f.id)), args, (x) => v.fulfillment(o, x)),
    }
  }

  hold(h: FakeHold) {
    return {
      __typename: 'FulfillmentHold', id: gid('FulfillmentHold', h.id), handle: h.handle, reason: h.reason, reasonNotes: h.reasonNotes,
      displayReason: h.reason.toLowerCase().replace(/_/g, ' '), heldByRequestingApp: true, heldByApp: null,
    }
  }

  fulfillment(o: FakeOrder, f: FakeFulfillment) {
    const v = this
    return {
      __typename: 'Fulfillment',
      id: gid('Fulfillment', f.id), legacyResourceId: String(f.id), name: `#${o.number}-F${o.fulfillments.indexOf(f) + 1}`,
      status: f.status, displayStatus: f.status === 'SUCCESS' ? 'FULFILLED' : 'CANCELED', createdAt: f.createdAt, updatedAt: f.createdAt,
      totalQuantity: f.lines.reduce((s, x) => s + x.quantity, 0),
      order: () => v.order(o),
      trackingInfo: (args: { first?: number }) => f.trackingInfo.slice(0, args.first ?? undefined),
      fulfillmentLineItems: (args: Page) => connection(f.lines, args, (x) => {
        const line = o.lines.find((l) => l.id === x.lineId)!
        return {
          __typename: 'FulfillmentLineItem', id: gid('FulfillmentLineItem', x.id), quantity: x.quantity, lineItem: v.line(o, line),
          originalTotalSet: moneyBag(Number(line.price) * x.quantity, o.currency),
        }
      }),
    }
  }

  refund(o: FakeOrder, r: FakeRefund) {
    const v = this
    return {
      __typename: 'Refund',
      id: gid('Refund', r.id), legacyResourceId: String(r.id), note: r.note, createdAt: r.createdAt, updatedAt: r.createdAt,
      totalRefundedSet: moneyBag(r.amount, o.currency),
      order: () => v.order(o),
      refundLineItems: (args: Page) => connection(r.lines, args, (x) => {
        const line = o.lines.find((l) => l.id === x.lineId)!
        return {
          __typename: 'RefundLineItem', id: gid('RefundLineItem', x.id), quantity: x.quantity, restockType: x.restockType,
          lineItem: v.line(o, line), price: line.discountedPrice, priceSet: moneyBag(line.discountedPrice, o.currency),
          subtotalSet: moneyBag(Number(line.discountedPrice) * x.quantity, o.currency),
        }
      }),
    }
  }

  metafield(o: FakeOrder, m: FakeMetafield) {
    return {
      __typename: 'Metafield', id: gid('Metafield', m.id), legacyResourceId: String(m.id), namespace: m.namespace, key: m.key,
      value: m.value, type: m.type, createdAt: m.createdAt, updatedAt: m.updatedAt, ownerType: 'ORDER',
      compareDigest: Buffer.from(`${m.id}:${m.updatedAt}:${m.value}`).toString('base64'),
      jsonValue: m.type === 'json' ? safeJson(m.value) : m.value,
      owner: () => this.order(o),
    }
  }

  shop() {
    return {
      __typename: 'Shop', id: gid('Shop', 1), name: 'Wismo Test Shop', myshopifyDomain: this.shopDomain, email: 'owner@example.com',
      currencyCode: 'USD', url: `https://${this.shopDomain}`, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z',
    }
  }

  findOrderView(id: string) {
    const o = this.state.order(id)
    return o && parseGid(id, 'Order') !== null ? this.order(o) : null
  }
}

function mailingAddress(id: number, a: FakeAddress) {
  return { __typename: 'MailingAddress', id: gid('MailingAddress', id), ...a, countryCodeV2: a.countryCode, name: [a.firstName, a.lastName].filter(Boolean).join(' ') || null }
}

function fulfillmentStatus(o: FakeOrder): string {
  const total = o.lines.reduce((s, l) => s + l.currentQuantity, 0)
  const shipped = o.fulfillments.filter((f) => f.status === 'SUCCESS').reduce((s, f) => s + f.lines.reduce((t, x) => t + x.quantity, 0), 0)
  if (o.fulfillmentOrders.some((f) => f.status === 'ON_HOLD')) return 'ON_HOLD'
  if (shipped === 0) return 'UNFULFILLED'
  return shipped >= total ? 'FULFILLED' : 'PARTIALLY_FULFILLED'
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

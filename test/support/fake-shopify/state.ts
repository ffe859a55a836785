/**
 * The fake shop's orders, in memory, shaped after Shopify's own objects (numeric ids; the API
 * shows them as GIDs). Timestamps are whole seconds, as Shopify's DateTime shows them, so many
 * orders can share an updatedAt: pages sort by (value, id) like Shopify's cursors.
 */

export type Money = string

export interface FakeTaxLine { title: string; rate: number; price: Money }
export interface FakeLine {
  id: number
  sku: string | null
  title: string
  variantTitle: string | null
  vendor: string | null
  variantId: number | null
  productId: number | null
  quantity: number
  currentQuantity: number
  price: Money
  discountedPrice: Money
  taxLines: FakeTaxLine[]
}
export interface FakeFulfillmentOrderLine { id: number; lineId: number; totalQuantity: number; remainingQuantity: number }
export interface FakeHold {
  id: number
  handle: string | null
  reason: string
  reasonNotes: string | null
  notifyMerchant: boolean | null
  externalId: string | null
  /** FO line items the hold named (null: all). */
  lineItems: { id: number; quantity: number }[] | null
}
export type FulfillmentOrderStatus = 'OPEN' | 'IN_PROGRESS' | 'ON_HOLD' | 'CLOSED' | 'CANCELLED' | 'INCOMPLETE' | 'SCHEDULED'
export interface FakeFulfillmentOrder {
  id: number
  status: FulfillmentOrderStatus
  requestStatus: string
  lines: FakeFulfillmentOrderLine[]
  holds: FakeHold[]
  createdAt: string
  updatedAt: string
}
export interface FakeFulfillment {
  id: number
  status: 'SUCCESS' | 'CANCELLED'
  createdAt: string
  trackingInfo: { company: string | null; number: string | null; url: string | null }[]
  lines: { id: number; lineId: number; quantity: number }[]
  fulfillmentOrderIds: number[]
  /** As asked: tests assert wismo never lets Shopify mail the customer. */
  notifyCustomer: boolean | null
  message: string | null
}
export interface FakeRefund {
  id: number
  note: string | null
  createdAt: string
  notify: boolean | null
  amount: Money
  lines: { id: number; lineId: number; quantity: number; restockType: string }[]
  transactions: { gateway: string; kind: string; amount: Money; parentId: string | null }[]
}
export interface FakeTransaction {
  id: number
  kind: 'SALE' | 'AUTHORIZATION' | 'CAPTURE' | 'REFUND' | 'VOID'
  status: 'SUCCESS' | 'PENDING' | 'FAILURE'
  gateway: string
  amount: Money
  parentId: number | null
  createdAt: string
}
export interface FakeMetafield { id: number; namespace: string; key: string; type: string; value: string; createdAt: string; updatedAt: string }
export interface FakeCustomer { id: number; firstName: string | null; lastName: string | null; email: string | null; phone: string | null }
export interface FakeAddress {
  firstName: string | null; lastName: string | null; address1: string | null; city: string | null; province: string | null
  provinceCode: string | null; zip: string | null; country: string | null; countryCode: string | null; phone: string | null
}
export interface FakeOrder {
  id: number
  number: number
  email: string | null
  phone: string | null
  createdAt: string
  updatedAt: string
  processedAt: string
  cancelledAt: string | null
  cancelReason: string | null
  closedAt: string | null
  financialStatus: string
  currency: string
  note: string | null
  tags: string[]
  customer: FakeCustomer | null
  shippingAddress: FakeAddress | null
  billingAddress: FakeAddress | null
  shippingPrice: Money
  /** The payment: a SALE for a PAID order (an AUTHORIZATION for AUTHORIZED), REFUNDs after it. */
  transactions: FakeTransaction[]
  lines: FakeLine[]
  fulfillmentOrders: FakeFulfillmentOrder[]
  fulfillments: FakeFulfillment[]
  refunds: FakeRefund[]
  metafields: FakeMetafield[]
  /** What orderCancel was asked, when it was. */
  cancellation: { reason: string; refund: boolean; restock: boolean; notifyCustomer: boolean | null; staffNote: string | null } | null
}

export interface LineInput {
  sku?: string | null
  title?: string
  vendor?: string | null
  quantity?: number
  /** Unit price, "19.99". */
  price?: Money | number
  /** Tax rate on the line, 0.2 = 20 % (no tax line when 0). */
  taxRate?: number
  variantId?: number | null
}
export interface AddOrderInput {
  /** The lines, or how many default lines (default 1). */
  lines?: number | LineInput[]
  email?: string | null
  phone?: string | null
  customer?: Partial<Omit<FakeCustomer, 'id'>> | null
  shippingAddress?: Partial<FakeAddress> | null
  /** Default: the shipping address. */
  billingAddress?: Partial<FakeAddress> | null
  createdAt?: Date | string
  updatedAt?: Date | string
  processedAt?: Date | string
  note?: string | null
  tags?: string[]
  shippingPrice?: Money | number
  financialStatus?: string
  currency?: string
}
export interface AddedOrder {
  id: string
  legacyResourceId: number
  name: string
  lineItemIds: string[]
  fulfillmentOrderId: string
  fulfillmentOrderLineItemIds: string[]
}

export const gid = (type: string, id: number): string => `gid://shopify/${type}/${id}`

/** The numeric id of a GID of that type, or null. */
export function parseGid(value: unknown, type: string): number | null {
  const m = typeof value === 'string' ? /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(value) : null
  return m && m[1] === type ? Number(m[2]) : null
}

/** Shopify's DateTime: ISO-8601 in UTC, whole seconds. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

export const money = (n: number): Money => n.toFixed(2)

export class ShopState {
  readonly orders = new Map<number, FakeOrder>()
  #nextId = 5_000_000_001
  #nextNumber = 1001
  #sorted: Record<string, FakeOrder[] | undefined> = {}

  constructor(readonly now: () => number) {}

  nextId(): number {
    return this.#nextId++
  }

  stamp(): string {
    return iso(this.now())
  }

  /** Any change to an order: Shopify moves updatedAt and the order's place in UPDATED_AT pages. */
  touch(order: FakeOrder, at: string = this.stamp()): void {
    order.updatedAt = at
    this.#sorted = {}
  }

  addOrder(input: AddOrderInput = {}): AddedOrder {
    const order = this.build(input)
    this.orders.set(order.id, order)
    this.#sorted = {}
    return describe(order)
  }

  /** n orders at once, updatedAt one second apart ending now (for backfill benchmarks). */
  seed(n: number, input: AddOrderInput = {}): AddedOrder[] {
    const end = this.now()
    const out: AddedOrder[] = []
    for (let i = 0; i < n; i++) {
      const at = new Date(end - (n - 1 - i) * 1000)
      const order = this.build({ createdAt: at, ...input })
      this.orders.set(order.id, order)
      out.push(describe(order))
    }
    this.#sorted = {}
    return out
  }

  /** Orders sorted by a sort key, ties by id (cached until something changes). */
  sorted(key: 'UPDATED_AT' | 'CREATED_AT' | 'PROCESSED_AT' | 'ID'): FakeOrder[] {
    const cached = this.#sorted[key]
    if (cached) return cached
    const field = sortField(key)
    const list = [...this.orders.values()].sort((a, b) => (field && a[field] !== b[field] ? (a[field] < b[field] ? -1 : 1) : a.id - b.id))
    this.#sorted[key] = list
    return list
  }

  order(id: string | number): FakeOrder | undefined {
    const n = typeof id === 'number' ? id : parseGid(id, 'Order') ?? (/^\d+$/.test(id) ? Number(id) : null)
    return n === null ? undefined : this.orders.get(n)
  }

  /** Where a line, fulfillment order or hold lives. */
  findLine(id: number): { order: FakeOrder; line: FakeLine } | undefined {
    for (const order of this.orders.values()) {
      const line = order.lines.find((l) => l.id === id)
      if (line) return { order, line }
    }
    return undefined
  }

  findFulfillmentOrder(id: number): { order: FakeOrder; fo: FakeFulfillmentOrder } | undefined {
    for (const order of this.orders.values()) {
      const fo = order.fulfillmentOrders.find((f) => f.id === id)
      if (fo) return { order, fo }
    }
    return undefined
  }

  private build(input: AddOrderInput): FakeOrder {
    const created = input.createdAt ? iso(new Date(input.createdAt).getTime()) : this.stamp()
    const id = this.nextId()
    const number = this.#nextNumber++
    const lineInputs = typeof input.lines === 'number' || input.lines === undefined
      ? Array.from({ length: input.lines ?? 1 }, (): LineInput => ({}))
      : input.lines
    const lines = lineInputs.map((l, i) => this.buildLine(l, number, i))
    const customer = input.customer === null ? null : {
      id: this.nextId(), firstName: 'Ada', lastName: `Buyer${number}`, email: input.email === undefined ? `buyer${number}@example.com` : input.email,
      phone: input.phone ?? null, ...input.customer,
    }
    const shippingAddress: FakeAddress | null = input.shippingAddress === null ? null : {
      firstName: customer?.firstName ?? 'Ada', lastName: customer?.lastName ?? `Buyer${number}`, address1: '1 Main St', city: 'Springfield',
      province: 'Oregon', provinceCode: 'OR', zip: '97477', country: 'United States', countryCode: 'US', phone: input.phone ?? null,
      ...input.shippingAddress,
    }
    const shippingPrice = money(Number(input.shippingPrice ?? 5))
    const financialStatus = input.financialStatus ?? 'PAID'
    const total = lines.reduce((s, l) => s + Number(l.price) * l.quantity + l.taxLines.reduce((t, x) => t + Number(x.price), 0), 0) + Number(shippingPrice)
    const payment = financialStatus === 'PAID' ? 'SALE' : financialStatus === 'AUTHORIZED' ? 'AUTHORIZATION' : null
    return {
      id, number,
      email: input.email === undefined ? `buyer${number}@example.com` : input.email,
      phone: input.phone ?? null,
      createdAt: created,
      updatedAt: input.updatedAt ? iso(new Date(input.updatedAt).getTime()) : created,
      processedAt: input.processedAt ? iso(new Date(input.processedAt).getTime()) : created,
      cancelledAt: null, cancelReason: null, closedAt: null,
      financialStatus,
      currency: input.currency ?? 'USD',
      note: input.note ?? null,
      tags: input.tags ?? [],
      customer,
      shippingAddress,
      billingAddress: input.billingAddress === null ? null : shippingAddress && { ...shippingAddress, ...input.billingAddress },
      shippingPrice,
      transactions: payment ? [{ id: this.nextId(), kind: payment, status: 'SUCCESS', gateway: 'shopify_payments', amount: money(total), parentId: null, createdAt: created }] : [],
      lines,
      fulfillmentOrders: [{
        id: this.nextId(), status: 'OPEN', requestStatus: 'UNSUBMITTED', holds: [], createdAt: created, updatedAt: created,
        lines: lines.map((l) => ({ id: this.nextId(), lineId: l.id, totalQuantity: l.quantity, remainingQuantity: l.quantity })),
      }],
      fulfillments: [], refunds: [], metafields: [], cancellation: null,
    }
  }

  private buildLine(l: LineInput, number: number, i: number): FakeLine {
    const price = money(Number(l.price ?? 19.99))
    const quantity = l.quantity ?? 1
    const rate = l.taxRate ?? 0.1
    const title = l.title ?? `Widget ${String.fromCharCode(65 + (i % 26))}`
    return {
      id: this.nextId(), sku: l.sku === undefined ? `SKU-${number}-${i + 1}` : l.sku, title, variantTitle: null,
      vendor: l.vendor === undefined ? 'Acme Supply' : l.vendor,
      variantId: l.variantId === undefined ? 40_000_000_000 + number * 100 + i : l.variantId,
      productId: 8_000_000_000 + number * 100 + i,
      quantity, currentQuantity: quantity, price, discountedPrice: price,
      taxLines: rate > 0 ? [{ title: 'State Tax', rate, price: money(Number(price) * quantity * rate) }] : [],
    }
  }
}

function sortField(key: string): 'updatedAt' | 'createdAt' | 'processedAt' | null {
  return key === 'UPDATED_AT' ? 'updatedAt' : key === 'CREATED_AT' ? 'createdAt' : key === 'PROCESSED_AT' ? 'processedAt' : null
}

function describe(order: FakeOrder): AddedOrder {
  const fo = order.fulfillmentOrders[0]
  return {
    id: gid('Order', order.id), legacyResourceId: order.id, name: `#${order.number}`,
    lineItemIds: order.lines.map((l) => gid('LineItem', l.id)),
    fulfillmentOrderId: gid('FulfillmentOrder', fo.id),
    fulfillmentOrderLineItemIds: fo.lines.map((l) => gid('FulfillmentOrderLineItem', l.id)),
  }
}


/** The captured payment refunds go back to (SALE or CAPTURE), if any. */
export function paymentOf(o: FakeOrder): FakeTransaction | undefined {
  return o.transactions.find((t) => (t.kind === 'SALE' || t.kind === 'CAPTURE') && t.status === 'SUCCESS')
}

/** What is left to refund on a payment. */
export function refundableOn(o: FakeOrder, tx: FakeTransaction): number {
  const back = o.transactions.filter((t) => t.kind === 'REFUND' && t.parentId === tx.id && t.status === 'SUCCESS').reduce((s, t) => s + Number(t.amount), 0)
  return Math.round((Number(tx.amount) - back) * 100) / 100
}

/** What refunding `quantity` units of a line gives back: its price and its share of the line's tax. */
export function lineRefundAmount(line: FakeLine, quantity: number): number {
  const tax = line.taxLines.reduce((t, x) => t + Number(x.price), 0) * (quantity / line.quantity)
  return Math.round((Number(line.discountedPrice) * quantity + tax) * 100) / 100
}

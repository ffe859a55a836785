/**
 * Shopify through its Admin GraphQL API, with Shopify's own client (`@shopify/admin-api-client`)
 * at the pinned version (documents.ts). Within Shopify's cost-based limits: each answer's
 * `throttleStatus` says how many points are left and how fast they come back; a query that would
 * not fit waits for them, and a `THROTTLED` answer is waited out and asked again.
 *
 * Each call back is idempotent: before acting it reads the order and looks for what the same
 * call left behind (a hold with its handle, a fulfillment with its tracking number, a refund
 * whose note names its key), so a retry after a crash or a timeout never acts twice.
 */
import { createAdminApiClient } from '@shopify/admin-api-client'
import type { HoldReason, OrderPage, PlatformClient } from '../platform.ts'
import { PlatformCallError } from '../platform.ts'
import { DOCUMENTS, SHOPIFY_API_VERSION, type DocumentName } from './documents.ts'
import { shopifyGraphqlOrder } from './map.ts'
import { handleOf, lineItemsFor, trackingInput, type OrderNode, type OrderWork } from './order-work.ts'

export interface ShopifyClientOptions {
  shop: string
  token: string
  /** SHOPIFY_API_URL: where the Admin API is (tests: a local server); default https://SHOP. */
  apiUrl?: string | null
  pageSize?: number
  /** Waiting for rate-limit points; tests pass one that moves their clock. */
  sleep?: (ms: number) => Promise<void>
  /** THROTTLED answers waited out before the call fails (retryable). */
  maxThrottled?: number
}

interface Cost {
  requestedQueryCost?: number
  actualQueryCost?: number
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number }
}

interface GqlError {
  message?: string
  extensions?: { code?: string }
}

/** The topics wismo subscribes to (DESIGN.md "Store platforms"), as Shopify's enum names them. */
export const WEBHOOK_TOPICS = ['ORDERS_CREATE', 'ORDERS_UPDATED', 'ORDERS_CANCELLED', 'FULFILLMENTS_CREATE', 'FULFILLMENTS_UPDATE', 'APP_UNINSTALLED']

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The points a document was last charged, by name: what it is likely to cost next time. */
const lastCost = new Map<DocumentName, number>()

export type ShopifyClient = PlatformClient & { subscribe(url: string): Promise<{ created: string[]; existing: string[] }> }

export function createShopifyClient(opts: ShopifyClientOptions): ShopifyClient {
  const sleep = opts.sleep ?? defaultSleep
  const base = opts.apiUrl?.replace(/\/+$/, '') ?? null
  const client = createAdminApiClient({
    storeDomain: opts.shop,
    apiVersion: SHOPIFY_API_VERSION,
    accessToken: opts.token,
    // Shopify serves a version past its support window as the oldest supported one (docs/shopify.md).
    logger: () => {},
    customFetchApi: async (url, init) => fetch(base ? url.replace(/^https:\/\/[^/]+/, base) : url, init as RequestInit),
  })
  // What the last answer said of the bucket (null until one has come).
  let bucket: { available: number; restoreRate: number; max: number } | null = null

  async function waitFor(points: number): Promise<void> {
    if (!bucket || points <= bucket.available) return
    const ms = Math.ceil(((Math.min(points, bucket.max) - bucket.available) / Math.max(1, bucket.restoreRate)) * 1000)
    await sleep(ms)
  }

  async function request<T>(name: DocumentName, variables: Record<string, unknown>): Promise<T> {
    const maxThrottled = opts.maxThrottled ?? 8
    for (let throttled = 0; ; ) {
      await waitFor(lastCost.get(name) ?? 10)
      let res: Awaited<ReturnType<typeof client.request>>
      try {
        res = await client.request(DOCUMENTS[name], { variables })
      } catch (err) {
        throw new PlatformCallError(`Shopify ${name}: ${(err as Error).message}`, { retryable: true, cause: err })
      }
      const cost = (res.extensions as { cost?: Cost } | undefined)?.cost
      if (cost?.throttleStatus) {
        const t = cost.throttleStatus
        bucket = { available: t.currentlyAvailable, restoreRate: t.restoreRate, max: t.maximumAvailable }
      }
      if (cost?.requestedQueryCost !== undefined) lastCost.set(name, cost.requestedQueryCost)
      const errors = res.errors as { networkStatusCode?: number; message?: string; graphQLErrors?: GqlError[] } | undefined
      if (!errors) return res.data as T
      const status = errors.networkStatusCode
      const gql = errors.graphQLErrors ?? []
      if (gql.some((e) => e.extensions?.code === 'THROTTLED')) {
        if (++throttled > maxThrottled) throw new PlatformCallError(`Shopify ${name}: still throttled after ${maxThrottled} waits`, { retryable: true })
        // Wait for what the query asked, from what was left (at least a second's worth of points).
        await sleep(bucket ? Math.max(1000, Math.ceil((((cost?.requestedQueryCost ?? 50) - bucket.available) / Math.max(1, bucket.restoreRate)) * 1000)) : 1000)
        continue
      }
      const what = gql.length > 0 ? gql.map((e) => e.message).join('; ') : (errors.message ?? 'failed').replace(/^GraphQL Client: ?/, '') || `HTTP ${status}`
      if (status === 401 || status === 403) {
        throw new PlatformCallError(`Shopify refused the access token (HTTP ${status}): it was revoked or lacks a scope; run wismo connect shopify again`, { retryable: false, revoked: true })
      }
      const retryable = status === undefined || status === 429 || status >= 500
      throw new PlatformCallError(`Shopify ${name}: ${status && status !== 200 ? `HTTP ${status}: ` : ''}${what}`, { retryable })
    }
  }

  function userErrors(name: string, errors: Array<{ field?: string[] | null; message: string }> | undefined): void {
    if (!errors || errors.length === 0) return
    const text = errors.map((e) => (e.field?.length ? `${e.field.join('.')}: ${e.message}` : e.message)).join('; ')
    throw new PlatformCallError(`Shopify ${name} refused: ${text}`, { retryable: false })
  }

  /** An order with more lines than its page carried gets the rest, 50 at a time. */
  async function restOfLines(node: OrderNode): Promise<void> {
    let page = node.lineItems.pageInfo
    while (page?.hasNextPage) {
      const more = await request<{ order: { lineItems: OrderNode['lineItems'] } | null }>('orderLines', { id: node.id, after: page.endCursor })
      if (!more.order) return
      node.lineItems.nodes.push(...more.order.lineItems.nodes)
      page = more.order.lineItems.pageInfo
    }
    if (node.lineItems.pageInfo) node.lineItems.pageInfo = { hasNextPage: false, endCursor: null }
  }

  async function orderWork(id: string): Promise<OrderWork> {
    const data = await request<{ order: OrderWork | null }>('orderWork', { id })
    if (!data.order) throw new PlatformCallError(`Shopify has no order ${id} (deleted?)`, { retryable: false })
    return data.order
  }

  return {
    platform: 'shopify',

    async *orderPages({ since, cursor }): AsyncIterable<OrderPage> {
      let after = cursor
      // Shopify refuses a query over 1000 points: a page holds as many orders as fit in ~900,
      // learned from what the last page was charged (an order with its first 10 lines: ~80).
      let first = opts.pageSize ?? 10
      for (;;) {
        type Page = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: OrderNode[] }
        const data = await request<{ orders: Page }>('orders', { first, after, query: since ? `updated_at:>='${since.toISOString()}'` : null })
        const perOrder = (lastCost.get('orders') ?? 80 * first) / first
        if (!opts.pageSize) first = Math.max(1, Math.min(50, Math.floor(900 / Math.max(1, perOrder))))
        for (const node of data.orders.nodes) await restOfLines(node)
        const next = data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null
        yield { orders: data.orders.nodes.map(shopifyGraphqlOrder), cursor: next, raw: Buffer.from(JSON.stringify(data.orders)) }
        if (!next) return
        after = next
      }
    },

    async hold({ key, platformOrderId, lines, reason, note }) {
      const order = await orderWork(platformOrderId)
      const handle = handleOf(key)
      for (const fo of order.fulfillmentOrders.nodes) {
        const held = fo.fulfillmentHolds.find((h) => h.handle === handle)
        if (held) return { holdId: `${fo.id} ${held.id}` }
      }
      const items = lineItemsFor(order, lines, ['OPEN', 'SCHEDULED', 'ON_HOLD'])
      // Nothing of these lines is left to fulfil (fulfilled or cancelled meanwhile): nothing to hold.
      if (items.length === 0) return { holdId: '' }
      const fo = items[0].fulfillmentOrderId
      const data = await request<{ fulfillmentOrderHold: { fulfillmentHold: { id: string } | null; fulfillmentOrder: { id: string } | null; userErrors: Array<{ field?: string[]; message: string }> } }>('hold', {
        id: fo,
        hold: {
          reason: reason satisfies HoldReason, reasonNotes: note.slice(0, 255), handle, notifyMerchant: false,
          fulfillmentOrderLineItems: items.filter((i) => i.fulfillmentOrderId === fo).map((i) => ({ id: i.id, quantity: i.quantity })),
        },
      })
      userErrors('fulfillmentOrderHold', data.fulfillmentOrderHold.userErrors)
      return { holdId: `${data.fulfillmentOrderHold.fulfillmentOrder?.id ?? fo} ${data.fulfillmentOrderHold.fulfillmentHold!.id}` }
    },

    async release({ platformOrderId, holdId }) {
      if (!holdId) return
      const [foId, id] = holdId.split(' ')
      const order = await orderWork(platformOrderId)
      const fo = order.fulfillmentOrders.nodes.find((f) => f.fulfillmentHolds.some((h) => h.id === id))
      if (!fo) return // released already (by wismo before a crash, or by a person in Shopify's admin)
      const data = await request<{ fulfillmentOrderReleaseHold: { userErrors: Array<{ field?: string[]; message: string }> } }>('release', { id: fo.id ?? foId, holdIds: [id] })
      userErrors('fulfillmentOrderReleaseHold', data.fulfillmentOrderReleaseHold.userErrors)
    },

    async fulfill({ platformOrderId, lines, tracking }) {
      const order = await orderWork(platformOrderId)
      const done = order.fulfillments.find((f) => f.trackingInfo.some((t) => t.number === tracking.number))
      if (done) return { fulfillmentId: done.id }
      // A wismo hold still on these lines (its release not made yet) goes first: the parcel has left.
      for (const fo of order.fulfillmentOrders.nodes) {
        const ours = fo.fulfillmentHolds.filter((h) => h.handle?.startsWith('wismo-'))
        const covers = fo.lineItems.nodes.some((n) => lines.some((l) => l.platformLineId === n.lineItem.id))
        if (fo.status === 'ON_HOLD' && covers && ours.length > 0) {
          const r = await request<{ fulfillmentOrderReleaseHold: { userErrors: Array<{ field?: string[]; message: string }> } }>('release', { id: fo.id, holdIds: ours.map((h) => h.id) })
          userErrors('fulfillmentOrderReleaseHold', r.fulfillmentOrderReleaseHold.userErrors)
          fo.status = 'OPEN'
        }
      }
      const items = lineItemsFor(order, lines, ['OPEN', 'IN_PROGRESS'])
      if (items.length === 0) return { fulfillmentId: '' }
      const byFo = new Map<string, Array<{ id: string; quantity: number }>>()
      for (const i of items) byFo.set(i.fulfillmentOrderId, [...(byFo.get(i.fulfillmentOrderId) ?? []), { id: i.id, quantity: i.quantity }])
      const data = await request<{ fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: Array<{ field?: string[]; message: string }> } }>('fulfill', {
        fulfillment: {
          lineItemsByFulfillmentOrder: [...byFo].map(([fulfillmentOrderId, fulfillmentOrderLineItems]) => ({ fulfillmentOrderId, fulfillmentOrderLineItems })),
          trackingInfo: trackingInput(tracking),
          // wismo tells the customer itself, in its own words and at its own hours.
          notifyCustomer: false,
        },
      })
      userErrors('fulfillmentCreate', data.fulfillmentCreate.userErrors)
      return { fulfillmentId: data.fulfillmentCreate.fulfillment!.id }
    },

    async cancel({ key, platformOrderId, lines, wholeOrder, refund, note }) {
      const order = await orderWork(platformOrderId)
      const mark = `wismo ${key}`
      const made = order.refunds.find((r) => r.note?.includes(mark))
      if (made) return { id: made.id }
      if (wholeOrder) {
        if (order.cancelledAt) return { id: order.id }
        const data = await request<{ orderCancel: { job: { id: string } | null; orderCancelUserErrors: Array<{ field?: string[]; message: string }> } }>('cancelOrder', {
          orderId: order.id, refund, staffNote: `${mark}: ${note}`.slice(0, 255),
        })
        userErrors('orderCancel', data.orderCancel.orderCancelUserErrors)
        return { id: data.orderCancel.job?.id ?? order.id }
      }
      const refundLineItems = lines.map((l) => ({ lineItemId: l.platformLineId, quantity: l.qty, restockType: 'CANCEL' }))
      let transactions: unknown[] = []
      if (refund) {
        const s = await request<{ order: { suggestedRefund: { suggestedTransactions: Array<{ gateway: string | null; kind: string; amountSet: { shopMoney: { amount: string } }; parentTransaction: { id: string } | null }> } } | null }>('suggestRefund', {
          id: order.id, lines: refundLineItems,
        })
        transactions = (s.order?.suggestedRefund.suggestedTransactions ?? [])
          .filter((t) => Number(t.amountSet.shopMoney.amount) > 0)
          .map((t) => ({ orderId: order.id, gateway: t.gateway ?? 'manual', kind: 'REFUND', amount: t.amountSet.shopMoney.amount, parentId: t.parentTransaction?.id ?? null }))
      }
      const data = await request<{ refundCreate: { refund: { id: string } | null; userErrors: Array<{ field?: string[]; message: string }> } }>('refund', {
        input: { orderId: order.id, note: `${mark}: ${note}`.slice(0, 255), notify: false, refundLineItems, transactions },
      })
      userErrors('refundCreate', data.refundCreate.userErrors)
      return { id: data.refundCreate.refund!.id }
    },

    async subscribe(url: string): Promise<{ created: string[]; existing: string[] }> {
      const have = await request<{ webhookSubscriptions: { nodes: Array<{ topic: string }> } }>('webhooks', { url })
      const existing = new Set(have.webhookSubscriptions.nodes.map((n) => n.topic))
      const created: string[] = []
      for (const topic of WEBHOOK_TOPICS) {
        if (existing.has(topic)) continue
        const data = await request<{ webhookSubscriptionCreate: { userErrors: Array<{ field?: string[]; message: string }> } }>('subscribe', { topic, url })
        userErrors('webhookSubscriptionCreate', data.webhookSubscriptionCreate.userErrors)
        created.push(topic)
      }
      return { created, existing: WEBHOOK_TOPICS.filter((t) => existing.has(t)) }
    },

    async link({ platformOrderId, url }) {
      const data = await request<{ metafieldsSet: { userErrors: Array<{ field?: string[]; message: string }> } }>('link', {
        metafields: [{ ownerId: platformOrderId, namespace: 'wismo', key: 'status_url', type: 'url', value: url }],
      })
      userErrors('metafieldsSet', data.metafieldsSet.userErrors)
    },
  }
}

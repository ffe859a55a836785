/**
 * A local Shopify for tests: one HTTP server that answers the Admin GraphQL API (2025-04) the
 * way Shopify does — access-token check, every document validated against Shopify's published
 * schema (test/fixtures/shopify/), executed by graphql-js over in-memory orders, query cost and
 * a leaky bucket in `extensions.cost`, THROTTLED when the bucket is short — plus fault injection
 * and helpers to make and inspect orders. The real connector runs against it unchanged.
 *
 *   const shop = await startFakeShopify({ clock })
 *   const { id } = shop.addOrder({ lines: 2 })
 *   // point the connector at shop.graphqlUrl with shop.token …
 *   assert.equal(shop.order(id)!.fulfillments[0].notifyCustomer, false)
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { execute, getOperationAST, GraphQLError, Kind, type OperationDefinitionNode } from 'graphql'
import { checkDocument, fragmentsOf, shopifySchema } from './fake-shopify/schema.ts'
import { CostBucket, queryCost, type ThrottleStatus } from './fake-shopify/cost.ts'
import { ShopState, gid, iso, parseGid, type AddOrderInput, type AddedOrder, type FakeAddress, type FakeCustomer, type FakeOrder } from './fake-shopify/state.ts'
import { Views } from './fake-shopify/views.ts'
import { ordersConnection, type OrdersArgs } from './fake-shopify/orders-query.ts'
import { mutations, takeFromLine } from './fake-shopify/mutations.ts'
import { orderWebhookPayload } from './fake-shopify/webhooks.ts'

export { shopifyQueryCost, validateShopifyDocument } from './fake-shopify/schema.ts'
export { sendShopifyWebhook, type SendWebhookInput } from './fake-shopify/webhooks.ts'
export type { AddOrderInput, AddedOrder, FakeOrder, LineInput } from './fake-shopify/state.ts'

export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }
const RATE_LIMIT_DOCS = 'https://shopify.dev/api/usage/rate-limits'

/** `drop`: the socket is destroyed before anything runs; `drop-after`: the call runs, its answer is lost. */
export type FaultKind = '500' | '503' | '429' | 'drop' | 'drop-after' | 'throttled'

export interface FakeShopifyOptions {
  /** Access token the fake accepts (default 'shpat_fake_token'). */
  token?: string
  /** The shop's myshopify domain (default 'wismo-test.myshopify.com'). */
  shop?: string
  /** Time for the bucket and for timestamps; a TestClock keeps tests deterministic. Default: the system clock. */
  clock?: { now(): Date }
  /** Bucket size (Shopify standard plan: 1000). */
  maximumAvailable?: number
  /** Points restored per second (Shopify standard plan: 50). */
  restoreRate?: number
}

export interface FakeCall {
  apiVersion: string | null
  operationName: string | null
  operation: 'query' | 'mutation' | null
  rootFields: string[]
  variables: Record<string, unknown>
  query: string
  /** Clock time (ms) the call arrived. */
  at: number
  /** What the fake did with it. */
  outcome: 'ok' | 'unauthorized' | 'invalid' | 'throttled' | 'max-cost' | 'bad-request' | `fault:${FaultKind}`
  status: number
  requestedQueryCost: number | null
}

export interface InvalidDocument { query: string; errors: string[] }

export interface OrderPatch {
  email?: string | null
  phone?: string | null
  note?: string | null
  tags?: string[]
  financialStatus?: string
  customer?: Partial<Omit<FakeCustomer, 'id'>>
  shippingAddress?: Partial<FakeAddress>
  /** An order edit: the line (GID) keeps this many units (current quantity only goes down). */
  lineQuantities?: Record<string, number>
  /** Set updatedAt to this instead of the clock's now. */
  updatedAt?: Date | string
}

export interface FakeShopify {
  /** http://127.0.0.1:PORT */
  url: string
  /** `${url}/admin/api/2025-04/graphql.json` */
  graphqlUrl: string
  shop: string
  token: string
  /** Every request that reached the fake, in order. */
  calls: FakeCall[]
  /** Documents refused by parse/validation (or bad variables). */
  invalidDocuments: InvalidDocument[]
  close(): Promise<void>
  /** From now on every call answers 401 (the merchant uninstalled the app). */
  revoke(): void
  /** The merchant installs the app again: a new token works from now on (the old one stays refused). */
  reinstall(newToken: string): void
  /** The next n calls fail this way (queued after any already asked). */
  failNext(n: number, kind: FaultKind): void
  /** The webhook subscriptions the app has made (webhookSubscriptionCreate). */
  webhookSubscriptions(): { topic: string; callbackUrl: string; format: string }[]
  /** The next call of this operation (e.g. 'WismoFulfill') fails this way, whatever comes before it. */
  failOperation(operationName: string, kind: FaultKind): void
  throttleStatus(): ThrottleStatus
  /** Empties the bucket, so the next costly call is THROTTLED until the clock moves. */
  drainBucket(): void
  addOrder(input?: AddOrderInput): AddedOrder
  /** n orders, updatedAt one second apart ending at the clock's now. */
  seed(n: number, input?: AddOrderInput): AddedOrder[]
  /** Changes an order as the merchant would; updatedAt moves to now. */
  updateOrder(id: string, patch: OrderPatch): FakeOrder
  /** The internal state of an order (GID or numeric id), for assertions. */
  order(id: string | number): FakeOrder | undefined
  /** The REST-shaped JSON Shopify posts for orders/create and orders/updated. */
  webhookPayload(orderId: string | number): Record<string, unknown>
  /**
   * A fetch that sends `https://<any shop>/admin/…` here instead. @shopify/admin-api-client
   * always builds an https URL from storeDomain, so give it `customFetchApi: fake.fetch`.
   */
  fetch: typeof fetch
}

/** Starts a fake Shopify on 127.0.0.1 at a free port. Build the schema happens once per process. */
export async function startFakeShopify(opts: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const token = opts.token ?? 'shpat_fake_token'
  const shop = opts.shop ?? 'wismo-test.myshopify.com'
  const now = () => (opts.clock ?? { now: () => new Date() }).now().getTime()
  const schema = shopifySchema()
  const state = new ShopState(now)
  const views = new Views(state, shop)
  const bucket = new CostBucket(opts.maximumAvailable ?? 1000, opts.restoreRate ?? 50, now)
  const calls: FakeCall[] = []
  const invalidDocuments: InvalidDocument[] = []
  const faults: FaultKind[] = []
  const operationFaults = new Map<string, FaultKind>()
  let revoked = false
  let currentToken = token

  // Webhook subscriptions the app made (webhookSubscriptionCreate), as Shopify keeps them per app.
  const subscriptions: { id: number; topic: string; callbackUrl: string; format: string; createdAt: string }[] = []
  const subscriptionView = (w: (typeof subscriptions)[number]) => ({
    __typename: 'WebhookSubscription', id: gid('WebhookSubscription', w.id), legacyResourceId: String(w.id), topic: w.topic, format: w.format,
    createdAt: w.createdAt, updatedAt: w.createdAt, includeFields: [], metafieldNamespaces: [], metafields: [], filter: null, apiVersion: { handle: '2025-04' },
    endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: w.callbackUrl },
  })
  const queryRoot = notImplementedElsewhere({
    webhookSubscriptions: (args: { first?: number; callbackUrl?: string | null; topics?: string[] | null }) => {
      const nodes = subscriptions
        .filter((w) => (!args.callbackUrl || w.callbackUrl === args.callbackUrl) && (!args.topics || args.topics.includes(w.topic)))
        .slice(0, args.first ?? 50).map(subscriptionView)
      return { nodes, edges: nodes.map((node) => ({ node, cursor: node.id })), pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } }
    },
    orders: (args: OrdersArgs) => ordersConnection(state, args, (o) => views.order(o)),
    order: (args: { id: string }) => views.findOrderView(args.id),
    shop: () => views.shop(),
    fulfillmentOrder: (args: { id: string }) => {
      const n = parseGid(args.id, 'FulfillmentOrder')
      const found = n === null ? undefined : state.findFulfillmentOrder(n)
      return found ? views.fulfillmentOrder(found.order, found.fo) : null
    },
    job: (args: { id: string }) => ({ __typename: 'Job', id: args.id, done: true }),
  })
  const mutationRoot = notImplementedElsewhere({
    ...mutations(state, views),
    webhookSubscriptionCreate(args: { topic: string; webhookSubscription: { callbackUrl?: string | null; format?: string | null } }) {
      const url = args.webhookSubscription.callbackUrl ?? ''
      if (!/^https:\/\/\S+$/.test(url)) return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address protocol http:// is not supported' }] }
      if (subscriptions.some((w) => w.topic === args.topic && w.callbackUrl === url)) {
        return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address for this topic has already been taken' }] }
      }
      const w = { id: state.nextId(), topic: args.topic, callbackUrl: url, format: args.webhookSubscription.format ?? 'JSON', createdAt: state.stamp() }
      subscriptions.push(w)
      return { webhookSubscription: subscriptionView(w), userErrors: [] }
    },
  })

  function answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const version = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec((req.url ?? '').split('?')[0])?.[1] ?? null
    if (req.method !== 'POST' || !version) return send(res, 404, { errors: 'Not Found' })
    let body: { query?: unknown; variables?: unknown; operationName?: unknown } = {}
    try {
      body = JSON.parse(raw || '{}')
    } catch {}
    const query = typeof body.query === 'string' ? body.query : ''
    const variables = (body.variables && typeof body.variables === 'object' ? body.variables : {}) as Record<string, unknown>
    const checked = query ? checkDocument(query) : null
    const op = checked?.ok ? getOperationAST(checked.document, typeof body.operationName === 'string' ? body.operationName : undefined) : null
    const call: FakeCall = {
      apiVersion: version, operationName: op?.name?.value ?? (typeof body.operationName === 'string' ? body.operationName : null),
      operation: op ? (op.operation === 'subscription' ? null : op.operation) : null,
      rootFields: op ? op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) : [],
      variables, query, at: now(), outcome: 'ok', status: 200, requestedQueryCost: null,
    }
    calls.push(call)
    const reply = (status: number, payload: unknown, outcome: FakeCall['outcome'] = call.outcome, headers: Record<string, string> = {}) => {
      call.status = status
      call.outcome = outcome
      send(res, status, payload, headers)
    }

    const named = call.operationName ? operationFaults.get(call.operationName) : undefined
    if (named) operationFaults.delete(call.operationName!)
    const fault = named ?? faults.shift()
    if (fault === 'drop') {
      call.outcome = 'fault:drop'
      call.status = 0
      req.socket.destroy()
      return
    }
    if (fault === '500') return reply(500, { errors: 'Internal Server Error' }, 'fault:500')
    if (fault === '503') return reply(503, { errors: 'Service Unavailable' }, 'fault:503')
    if (fault === '429') return reply(429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, 'fault:429', { 'Retry-After': '2.0' })
    if (revoked || req.headers['x-shopify-access-token'] !== currentToken) return reply(401, INVALID_TOKEN_BODY, 'unauthorized')
    if (!query) return reply(400, { errors: { query: 'Required parameter missing or invalid' } }, 'bad-request')
    if (!checked!.ok || !op) {
      const errors = checked && !checked.ok ? checked.errors : [new GraphQLError('An operation name is required when the document has several operations.')]
      invalidDocuments.push({ query, errors: errors.map((e) => e.message) })
      return reply(200, { errors: errors.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) }, 'invalid')
    }

    const fragments = fragmentsOf(checked!.document)
    const requested = queryCost(schema, op, fragments, variables)
    call.requestedQueryCost = requested
    const cost = (actual: number | null) => ({ requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() })
    if (requested > bucket.maximumAvailable) {
      return reply(200, {
        errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${bucket.maximumAvailable}).`, extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: bucket.maximumAvailable, documentation: RATE_LIMIT_DOCS } }],
        extensions: { cost: cost(null) },
      }, 'max-cost')
    }
    if (fault === 'throttled' || !bucket.tryTake(requested)) {
      return reply(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMIT_DOCS } }], extensions: { cost: cost(null) } }, fault === 'throttled' ? 'fault:throttled' : 'throttled')
    }

    const result = execute({
      schema, document: checked!.document, operationName: op.name?.value, variableValues: variables,
      rootValue: op.operation === 'mutation' ? mutationRoot : queryRoot,
    }) as Awaited<ReturnType<typeof execute>>
    if (!('data' in result) || result.data === undefined) {
      // Variables that do not fit the operation: nothing ran.
      bucket.refund(requested)
      const errors = result.errors ?? []
      invalidDocuments.push({ query, errors: errors.map((e) => e.message) })
      return reply(200, { errors: errors.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: 'INVALID_VARIABLE' } })) }, 'invalid')
    }
    const actual = Math.min(requested, queryCost(schema, op as OperationDefinitionNode, fragments, variables, result.data))
    bucket.refund(requested - actual)
    if (fault === 'drop-after') {
      call.outcome = 'fault:drop-after'
      call.status = 0
      req.socket.destroy()
      return
    }
    const payload: Record<string, unknown> = { data: result.data }
    if (result.errors?.length) payload.errors = result.errors.map((e) => ({ message: e.message, locations: e.locations, path: e.path, extensions: e.extensions }))
    payload.extensions = { cost: cost(actual) }
    reply(200, payload)
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      try {
        answer(req, res, Buffer.concat(chunks).toString('utf8'))
      } catch (err) {
        send(res, 500, { errors: `fake-shopify: ${(err as Error).stack ?? err}` })
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const mustFind = (id: string | number) => {
    const o = state.order(id)
    if (!o) throw new Error(`fake-shopify: no order ${id}`)
    return o
  }

  return {
    url, graphqlUrl: `${url}/admin/api/2025-04/graphql.json`, shop, token, calls, invalidDocuments,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
    revoke: () => { revoked = true },
    reinstall: (newToken: string) => { revoked = false; currentToken = newToken },
    failNext: (n, kind) => { for (let i = 0; i < n; i++) faults.push(kind) },
    failOperation: (name, kind) => { operationFaults.set(name, kind) },
    webhookSubscriptions: () => subscriptions.map((w) => ({ topic: w.topic, callbackUrl: w.callbackUrl, format: w.format })),
    throttleStatus: () => bucket.status(),
    drainBucket: () => bucket.drain(),
    addOrder: (input) => state.addOrder(input),
    seed: (n, input) => state.seed(n, input),
    order: (id) => state.order(id),
    updateOrder(id, patch) {
      const o = mustFind(id)
      const { customer, shippingAddress, lineQuantities, updatedAt, ...plain } = patch
      Object.assign(o, plain)
      if (customer && o.customer) Object.assign(o.customer, customer)
      if (shippingAddress && o.shippingAddress) Object.assign(o.shippingAddress, shippingAddress)
      const at = updatedAt ? iso(new Date(updatedAt).getTime()) : state.stamp()
      for (const [lineGid, keep] of Object.entries(lineQuantities ?? {})) {
        const line = o.lines.find((l) => l.id === parseGid(lineGid, 'LineItem'))
        if (!line) throw new Error(`fake-shopify: no line ${lineGid} on order ${id}`)
        if (keep < line.currentQuantity) takeFromLine(o, line.id, line.currentQuantity - keep, at)
      }
      state.touch(o, at)
      return o
    },
    webhookPayload: (orderId) => orderWebhookPayload(mustFind(orderId)),
    fetch: (input, init) => {
      const target = new URL(input instanceof Request ? input.url : String(input))
      const local = new URL(target.pathname + target.search, url)
      return input instanceof Request ? fetch(new Request(local, input), init) : fetch(local, init)
    },
  }
}

/**
 * Root fields the schema has but the fake does not serve answer an error instead of a silent
 * null, so a connector calling one (fulfillmentCreateV2, node, …) fails loudly in tests.
 */
function notImplementedElsewhere<T extends object>(root: T): T {
  return new Proxy(root, {
    get(target, prop, receiver) {
      if (typeof prop !== 'string' || prop in target) return Reflect.get(target, prop, receiver)
      return () => {
        throw new GraphQLError(`fake-shopify does not implement the root field ${prop}`, { extensions: { code: 'NOT_IMPLEMENTED' } })
      }
    },
  })
}

function send(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(payload)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers })
  res.end(body)
}

/**
 * A local HTTP server that speaks the part of WooCommerce's REST v3 wismo uses: orders (list with
 * X-WP-Total / X-WP-TotalPages, get, update status and meta), order notes, order refunds. It checks
 * credentials as WooCommerce does — OAuth 1.0a over http (HMAC-SHA1/SHA256, signature, timestamp,
 * nonce), basic auth or consumer_key/consumer_secret in the query otherwise — and answers errors in
 * WooCommerce's shape `{code, message, data: {status}}`.
 */
import { createHmac, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildWooOrder, gmt, type WooOrderInput } from './woo-orders.ts'

export { sendWooWebhook, sendWooPing, signWoo, buildWooOrder, gmt } from './woo-orders.ts'

type Json = Record<string, any>
interface Stored {
  order: Json
  notes: Json[]
  refunds: Json[]
}
export interface WooCall {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  status: number
}
export type WooFailure = '500' | '429' | 'drop'

export interface FakeWoo {
  url: string
  consumerKey: string
  consumerSecret: string
  calls: WooCall[]
  close(): Promise<void>
  /** Adds an order (id defaults to the next one); created and modified at the fake's clock. */
  addOrder(input?: Partial<WooOrderInput>): Json
  /** Changes an order as the merchant would (bumps date_modified). */
  updateOrder(id: number, patch: Json): Json
  /** The order as the store holds it, with its notes (newest first), refunds and meta. */
  order(id: number): { status: string; meta: Record<string, unknown>; notes: Json[]; refunds: Json[]; resource: Json }
  /** The body WooCommerce sends for order.created/order.updated: the order resource. */
  webhookBody(id: number): string
  seed(n: number): Json[]
  /**
   * The next `n` requests fail this way: 500, 429 with Retry-After: 1, or the connection dropped
   * (after the request was read, like a timeout whose request went through — but not applied).
   * `when` narrows it to matching requests (say, the PUT after a refund).
   */
  failNext(n: number, kind: WooFailure, when?: { method?: string; path?: RegExp }): void
  /** Revokes the API key: every call gets 401 from now on. */
  revoke(): void
}

const PREFIX = '/wp-json/wc/v3/'

export async function startFakeWoo(opts: { start?: Date; consumerKey?: string; consumerSecret?: string } = {}): Promise<FakeWoo> {
  const consumerKey = opts.consumerKey ?? `ck_${randomBytes(20).toString('hex')}`
  const consumerSecret = opts.consumerSecret ?? `cs_${randomBytes(20).toString('hex')}`
  const orders = new Map<number, Stored>()
  const calls: WooCall[] = []
  const nonces = new Set<string>()
  let clock = (opts.start ?? new Date('2026-11-02T09:00:00Z')).getTime()
  let nextId = 1001
  let nextChildId = 50_000
  let failures: { kind: WooFailure; method?: string; path?: RegExp }[] = []
  let revoked = false

  // Every change moves the store's clock a minute: modification order is creation order of changes.
  const tick = () => new Date((clock += 60_000))
  const touch = (s: Stored) => {
    const t = gmt(tick())
    s.order.date_modified = t
    s.order.date_modified_gmt = t
  }
  const get = (id: number) => {
    const s = orders.get(id)
    if (!s) throw new WooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.')
    return s
  }

  function addOrder(input: Partial<WooOrderInput> = {}): Json {
    const id = input.id ?? nextId++
    nextId = Math.max(nextId, id + 1)
    const at = tick()
    const order = buildWooOrder({ createdAt: at, ...input, id })
    orders.set(id, { order, notes: [], refunds: [] })
    return structuredClone(order)
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
      const query = Object.fromEntries(url.searchParams)
      const raw = Buffer.concat(chunks).toString('utf8')
      let body: unknown = null
      try {
        body = raw ? JSON.parse(raw) : null
      } catch {
        body = raw
      }
      const call: WooCall = { method: req.method ?? 'GET', path: url.pathname, query, body, status: 0 }
      calls.push(call)
      const i = failures.findIndex((f) => (!f.method || f.method === call.method) && (!f.path || f.path.test(call.path)))
      const failure = i >= 0 ? failures.splice(i, 1)[0].kind : undefined
      if (failure === 'drop') {
        call.status = -1
        req.socket.destroy()
        return
      }
      let status = 200
      let out: unknown
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' }
      try {
        if (failure === '500') throw new WooError(500, 'internal_server_error', 'There has been a critical error on this website.')
        if (failure === '429') {
          headers['retry-after'] = '1'
          throw new WooError(429, 'too_many_requests', 'Too many requests. Please wait and try again.')
        }
        checkAuth(req, url, raw)
        ;[status, out] = route(call, url, headers)
      } catch (err) {
        // A bug in the fake answers 500 with its message rather than killing the test process.
        const e = err instanceof WooError ? err : new WooError(500, 'fake_woocommerce_bug', String((err as Error)?.stack ?? err))
        status = e.status
        out = { code: e.code, message: e.message, data: { status: e.status } }
      }
      call.status = status
      res.writeHead(status, headers)
      res.end(JSON.stringify(out))
    })
  })

  function checkAuth(req: http.IncomingMessage, url: URL, rawBody: string): void {
    const fail = (message: string) => {
      throw new WooError(401, 'woocommerce_rest_authentication_error', message)
    }
    if (revoked) fail('Consumer key is invalid.')
    const q = url.searchParams
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')
    if (basic) {
      const [k, s] = Buffer.from(basic[1], 'base64').toString('utf8').split(':')
      if (k !== consumerKey || s !== consumerSecret) fail('Consumer secret is invalid.')
      return
    }
    if (q.has('consumer_key')) {
      if (q.get('consumer_key') !== consumerKey || q.get('consumer_secret') !== consumerSecret) fail('Consumer secret is invalid.')
      return
    }
    if (!q.has('oauth_consumer_key')) throw new WooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.')
    if (q.get('oauth_consumer_key') !== consumerKey) fail('Consumer key is invalid.')
    const method = q.get('oauth_signature_method')
    if (method !== 'HMAC-SHA1' && method !== 'HMAC-SHA256') fail('Invalid signature - signature method is invalid.')
    const base = oauthBaseString(req.method ?? 'GET', `http://${req.headers.host}${url.pathname}`, q, rawBody, req.headers['content-type'])
    const expected = createHmac(method === 'HMAC-SHA1' ? 'sha1' : 'sha256', `${consumerSecret}&`).update(base).digest('base64')
    if (q.get('oauth_signature') !== expected) fail('Invalid signature - provided signature does not match.')
    const ts = Number(q.get('oauth_timestamp'))
    if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 15 * 60) fail('Invalid timestamp.')
    const nonce = `${ts}:${q.get('oauth_nonce')}`
    if (nonces.has(nonce)) fail('Invalid nonce - nonce has already been used.')
    nonces.add(nonce)
  }

  function route(call: WooCall, url: URL, headers: Record<string, string>): [number, unknown] {
    if (!url.pathname.startsWith(PREFIX)) throw new WooError(404, 'rest_no_route', 'No route was found matching the URL and request method.')
    const parts = url.pathname.slice(PREFIX.length).split('/').filter(Boolean)
    const body = (call.body ?? {}) as Json
    const m = call.method
    if (parts[0] !== 'orders') throw new WooError(404, 'rest_no_route', 'No route was found matching the URL and request method.')
    if (parts.length === 1 && m === 'GET') return [200, listOrders(url.searchParams, headers)]
    const id = Number(parts[1])
    const s = get(id)
    if (parts.length === 2 && m === 'GET') return [200, resource(s)]
    if (parts.length === 2 && m === 'PUT') return [200, updateOrder(id, body)]
    if (parts[2] === 'notes' && parts.length === 3) {
      if (m === 'GET') {
        const type = url.searchParams.get('type') ?? 'any'
        return [200, s.notes.filter((n) => type === 'any' || (type === 'customer') === n.customer_note)]
      }
      if (m === 'POST') return [201, addNote(s, body)]
    }
    if (parts[2] === 'refunds' && parts.length === 3) {
      if (m === 'GET') return [200, s.refunds]
      if (m === 'POST') return [201, addRefund(s, body)]
    }
    throw new WooError(404, 'rest_no_route', 'No route was found matching the URL and request method.')
  }

  function listOrders(q: URLSearchParams, headers: Record<string, string>): Json[] {
    const perPage = Number(q.get('per_page') ?? 10)
    const page = Number(q.get('page') ?? 1)
    if (!(perPage >= 1 && perPage <= 100)) throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page')
    const field = q.get('orderby') === 'modified' ? 'date_modified_gmt' : q.get('orderby') === 'id' ? 'id' : 'date_created_gmt'
    const after = q.get('modified_after')
    // With dates_are_gmt the date is UTC; the fake's store runs on UTC either way.
    const afterGmt = after ? gmt(new Date(/Z|[+-]\d\d:?\d\d$/.test(after) ? after : `${after}Z`)) : null
    let list = [...orders.values()].map((s) => s.order).filter((o) => !afterGmt || o.date_modified_gmt > afterGmt)
    list.sort((a, b) => (a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : a.id - b.id))
    if (q.get('order') !== 'asc') list = list.reverse()
    headers['x-wp-total'] = String(list.length)
    headers['x-wp-totalpages'] = String(Math.ceil(list.length / perPage))
    return list.slice((page - 1) * perPage, page * perPage).map((o) => resource(orders.get(o.id)!))
  }

  function updateOrder(id: number, patch: Json): Json {
    const s = get(id)
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'meta_data') setMeta(s.order, v as Json[])
      else if (k === 'id' || k === 'refunds' || k === 'line_items') continue
      else s.order[k] = v
    }
    touch(s)
    return resource(s)
  }

  // WooCommerce: an entry with an id updates that entry; one with only a key replaces the key's value.
  function setMeta(order: Json, entries: Json[]): void {
    for (const e of entries) {
      const found = order.meta_data.find((m: Json) => (e.id ? m.id === e.id : m.key === e.key))
      if (found) found.value = e.value
      else order.meta_data.push({ id: nextChildId++, key: e.key, value: e.value })
    }
  }

  function addNote(s: Stored, body: Json): Json {
    if (typeof body.note !== 'string' || body.note === '') throw new WooError(400, 'rest_missing_callback_param', 'Missing parameter(s): note')
    const at = gmt(tick())
    const note = { id: nextChildId++, author: 'WooCommerce', date_created: at, date_created_gmt: at, note: body.note, customer_note: body.customer_note === true, added_by_user: false }
    s.notes.unshift(note) // WooCommerce lists notes newest first
    return note
  }

  function addRefund(s: Stored, body: Json): Json {
    const amount = Number(body.amount ?? 0)
    const refunded = s.refunds.reduce((t, r) => t + Number(r.amount), 0)
    if (!(amount >= 0) || amount > Number(s.order.total) - refunded + 0.001) throw new WooError(500, 'woocommerce_rest_cannot_create_order_refund', 'Invalid refund amount.')
    const at = gmt(tick())
    const lines = ((body.line_items ?? []) as Json[]).map((l) => {
      const item = s.order.line_items.find((i: Json) => i.id === Number(l.id))
      if (!item) throw new WooError(500, 'woocommerce_rest_cannot_create_order_refund', 'Invalid line item.')
      const total = Number(l.refund_total ?? 0)
      return {
        id: nextChildId++, name: item.name, product_id: item.product_id, variation_id: item.variation_id,
        quantity: -Math.abs(Number(l.quantity ?? 0)), tax_class: '', subtotal: (-total).toFixed(2), subtotal_tax: '0.00',
        total: (-total).toFixed(2), total_tax: '0.00', taxes: [],
        meta_data: [{ id: nextChildId++, key: '_refunded_item_id', value: String(item.id), display_key: '_refunded_item_id', display_value: String(item.id) }],
        sku: item.sku, price: item.price,
      }
    })
    const refund = {
      id: nextChildId++, date_created: at, date_created_gmt: at, amount: amount.toFixed(2), reason: body.reason ?? '',
      refunded_by: 1, refunded_payment: body.api_refund !== false, meta_data: [], line_items: lines,
    }
    s.refunds.unshift(refund)
    s.order.refunds.unshift({ id: refund.id, reason: refund.reason, total: (-amount).toFixed(2) })
    if (Math.abs(refunded + amount - Number(s.order.total)) < 0.001) s.order.status = 'refunded'
    touch(s)
    return refund
  }

  const resource = (s: Stored) => structuredClone(s.order)

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    consumerKey,
    consumerSecret,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
    addOrder,
    updateOrder,
    order(id) {
      const s = get(id)
      return {
        status: s.order.status,
        meta: Object.fromEntries(s.order.meta_data.map((m: Json) => [m.key, structuredClone(m.value)])),
        notes: structuredClone(s.notes),
        refunds: structuredClone(s.refunds),
        resource: resource(s),
      }
    },
    webhookBody: (id) => JSON.stringify(resource(get(id))),
    seed: (n) => Array.from({ length: n }, () => addOrder()),
    failNext(n, kind, when = {}) {
      for (let k = 0; k < n; k++) failures.push({ kind, ...when })
    },
    revoke() {
      revoked = true
    },
  }
}

class WooError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

/** RFC 5849 §3.4.1 signature base string, over the query's (and a form body's) parameters less the signature. */
function oauthBaseString(method: string, baseUrl: string, q: URLSearchParams, body: string, contentType: string | undefined): string {
  // PHP keeps the last of a repeated query key ($_GET), and WooCommerce signs what PHP parsed.
  // (The JS client repeats the query parameters after the oauth ones, with the same values.)
  const merged = new Map(q.entries())
  if (contentType?.startsWith('application/x-www-form-urlencoded')) for (const [k, v] of new URLSearchParams(body)) merged.set(k, v)
  merged.delete('oauth_signature')
  const params = [...merged.entries()]
  const pairs = params.map(([k, v]) => [encode(k), encode(v)]).sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
  return [method.toUpperCase(), encode(baseUrl), encode(pairs.map(([k, v]) => `${k}=${v}`).join('&'))].join('&')
}

function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * WooCommerce's side of PlatformClient, through REST v3 (src/connect/platform.ts).
 *
 * WooCommerce has no fulfillment holds or fulfillment objects, so wismo leaves its marks where a
 * merchant sees them and where a retry can find them: order notes (never customer notes, so
 * WooCommerce mails nobody), order meta, and refunds whose reason carries the key. Every call reads
 * those first and does only what is missing, so a call asked twice lands once. A call writes the
 * state change first and its marker last: a crash between them leaves no marker, and the retry
 * redoes the (harmless) state change rather than skipping it.
 *
 * Two calls for the same order at once could lose one meta entry (meta is read, merged, written
 * whole); the outbox sends one order's calls one after another.
 */
import { systemClock, type Clock } from '../../clock.ts'
import type { OrderPage, PlatformClient, PlatformLineRef, Tracking } from '../platform.ts'
import { PlatformCallError } from '../platform.ts'
import { createWooRequest, type WooHttpOptions, type WooRequest } from './http.ts'
import { wooOrderToPlatform } from './map.ts'

export interface WooClientOptions extends WooHttpOptions {
  /** Orders per backfill page (WooCommerce allows up to 100). */
  perPage?: number
  /** Line meta keys that name the supplier (see map.ts). */
  vendorKeys?: readonly string[]
  /** For the shipment-tracking meta's `date_shipped`. */
  clock?: Clock
}

export const TRACKING_META = '_wismo_tracking'
/** The "Advanced Shipment Tracking" / "Shipment Tracking" plugins' meta: their order page and emails read it. */
export const AST_META = '_wc_shipment_tracking_items'
export const STATUS_URL_META = '_wismo_status_url'

interface WooNote {
  id: number
  note: string
}
interface WooMeta {
  id?: number
  key: string
  value: unknown
}
interface WooOrderLite {
  id: number
  status: string
  meta_data: WooMeta[]
  line_items: { id: number; quantity: number; total: string; taxes?: { id: number; total: string }[] }[]
}

/** A PlatformClient for one WooCommerce store. */
export function createWooClient(opts: WooClientOptions): PlatformClient {
  const req = createWooRequest(opts)
  const clock = opts.clock ?? systemClock
  const perPage = opts.perPage ?? 100
  const api = wooApi(req)

  return {
    platform: 'woocommerce',

    /**
     * Pages of orders by modification time, oldest first; the cursor is the next page number
     * (X-WP-TotalPages says when to stop). `modified_after` needs WooCommerce 5.8 or later.
     * Known gap of page (offset) paging: an order changed during the backfill moves to the end
     * (and is read there, and comes by webhook), so the orders after it shift one place and the
     * first of the next page is not read. A sync run again with --since closes it; a keyset cursor
     * (last modified + ids at that second, sent as `exclude`) would not have it.
     */
    async *orderPages({ since, cursor }): AsyncIterable<OrderPage> {
      let page = cursor ? Number(cursor) : 1
      if (!Number.isInteger(page) || page < 1) throw new PlatformCallError(`WooCommerce: bad page cursor ${cursor}`, { retryable: false })
      for (;;) {
        const params: Record<string, string | number | boolean> = { per_page: perPage, page, orderby: 'modified', order: 'asc', dates_are_gmt: true }
        // WordPress's date_query `after` is strict and its dates are whole seconds: a second earlier
        // makes it "at or after since" (an order read twice is harmless; one missed is not).
        if (since) params.modified_after = new Date(Math.floor(since.getTime() / 1000) * 1000 - 1000).toISOString()
        const res = await req('get', 'orders', { params })
        if (!Array.isArray(res.json)) throw new PlatformCallError(`WooCommerce GET orders: not a list of orders`, { retryable: true })
        // Read from the page alone, as a webhook body and a stored page are read: the same order
        // reads the same whichever way it came (so refunded units are not counted; see map.ts).
        const orders = res.json.map((o) => wooOrderToPlatform(o, { vendorKeys: opts.vendorKeys }))
        const totalPages = Number(res.headers['x-wp-totalpages'] ?? 0)
        const next = page < totalPages ? String(page + 1) : null
        yield { orders, cursor: next, raw: res.raw }
        if (next === null) return
        page += 1
      }
    },

    async hold({ key, platformOrderId, note }) {
      const notes = await api.notes(platformOrderId)
      if (notes.some((n) => n.note.startsWith(holdMark(key)))) return { holdId: key }
      const order = await api.order(platformOrderId)
      // Nothing left to hold on an order that is done with: the outbox reads '' as "skipped".
      if (CLOSED.has(order.status)) return { holdId: '' }
      // Put on hold only an order that is moving; one already on hold stays, and wismo does not own it.
      const mine = order.status === 'processing' || order.status === 'pending'
      if (mine) await api.setStatus(platformOrderId, 'on-hold')
      await api.addNote(platformOrderId, `${holdMark(key)}${note}${mine ? ` ${OWNED}` : ''}`)
      return { holdId: key }
    },

    async release({ platformOrderId, holdId, note }) {
      const notes = await api.notes(platformOrderId)
      if (notes.some((n) => n.note.startsWith(releaseMark(holdId)))) return
      const holds = parseHolds(notes)
      const stillOpen = [...holds.open].filter((k) => k !== holdId)
      const order = await api.order(platformOrderId)
      if (stillOpen.length === 0 && holds.owned && order.status === 'on-hold') await api.setStatus(platformOrderId, 'processing')
      await api.addNote(platformOrderId, `${releaseMark(holdId)}${note}`)
    },

    async fulfill({ key, platformOrderId, lines, tracking }) {
      const [order, notes] = await Promise.all([api.order(platformOrderId), api.notes(platformOrderId)])
      const mine = metaList(order, TRACKING_META)
      if (!mine.some((t) => (t as { key?: unknown }).key === key)) {
        const entry = { key, carrier: tracking.carrier, number: tracking.number, url: tracking.url, lines: lines.map((l) => ({ id: l.platformLineId, qty: l.qty })) }
        const ast = [...metaList(order, AST_META), astItem(key, tracking, clock.now())]
        // Not status 'completed': WooCommerce would mail the customer, and wismo does the telling.
        await api.setMeta(platformOrderId, [
          { key: TRACKING_META, value: [...mine, entry] },
          { key: AST_META, value: ast },
        ])
      }
      if (!notes.some((n) => n.note.startsWith(fulfillMark(key)))) {
        const where = [tracking.carrier, tracking.number, tracking.url].filter(Boolean).join(' ')
        await api.addNote(platformOrderId, `${fulfillMark(key)}shipped ${describeLines(lines)} — ${where}`)
      }
      return { fulfillmentId: key }
    },

    async cancel({ key, platformOrderId, lines, wholeOrder, refund, amount, note }) {
      const refunds = (await req('get', `orders/${platformOrderId}/refunds`, { params: { per_page: 100 } })).json
      if (!Array.isArray(refunds)) throw new PlatformCallError(`WooCommerce GET orders/${platformOrderId}/refunds: not a list`, { retryable: false })
      const order = await api.order(platformOrderId)
      let done = (refunds as { id: number; reason?: string }[]).find((r) => (r.reason ?? '').startsWith(refundMark(key)))
      if (!done) {
        const body = {
          amount: amount.toFixed(2),
          // A recorded refund marks the money refunded in WooCommerce without paying it: say who owes it.
          reason: `${refundMark(key)}${note}${refund ? '' : ' (not paid back through the gateway: the store refunds it)'}`,
          line_items: lines.map((l) => refundLine(order, l)),
          // refund: the payment gateway pays it back; otherwise WooCommerce only records it.
          api_refund: refund,
          // The supplier's stock, not the store's: nothing goes back on the shelf.
          api_restock: false,
        }
        done = (await req('post', `orders/${platformOrderId}/refunds`, { data: body })).json as { id: number }
      }
      // Refund first, status after: a retry that finds the refund still cancels the order.
      if (wholeOrder && order.status !== 'cancelled') await api.setStatus(platformOrderId, 'cancelled')
      return { id: String(done.id) }
    },

    async link({ platformOrderId, url }) {
      const order = await api.order(platformOrderId)
      if (order.meta_data.some((m) => m.key === STATUS_URL_META && m.value === url)) return
      await api.setMeta(platformOrderId, [{ key: STATUS_URL_META, value: url }])
    },
  }
}

const OWNED = '[on-hold by wismo]'
const CLOSED = new Set(['completed', 'cancelled', 'refunded', 'failed', 'trash'])
const holdMark = (key: string) => `wismo hold ${key}: `
const releaseMark = (holdId: string) => `wismo release ${holdId}: `
const fulfillMark = (key: string) => `wismo fulfill ${key}: `
const refundMark = (key: string) => `wismo ${key}: `

/** wismo's holds on the order: those without a release note, and whether wismo put the order on hold. */
function parseHolds(notes: WooNote[]): { open: Set<string>; owned: boolean } {
  const open = new Set<string>()
  const released = new Set<string>()
  let owned = false
  for (const n of notes) {
    const hold = /^wismo hold (\S+?): /.exec(n.note)
    if (hold) {
      open.add(hold[1])
      if (n.note.endsWith(OWNED)) owned = true
    }
    const rel = /^wismo release (\S+?): /.exec(n.note)
    if (rel) released.add(rel[1])
  }
  for (const k of released) open.delete(k)
  return { open, owned }
}

function refundLine(order: WooOrderLite, l: PlatformLineRef) {
  const item = order.line_items.find((i) => String(i.id) === l.platformLineId)
  if (!item) throw new PlatformCallError(`WooCommerce order ${order.id} has no line ${l.platformLineId}`, { retryable: false })
  const share = item.quantity > 0 ? Math.min(l.qty, item.quantity) / item.quantity : 0
  return {
    id: item.id,
    quantity: l.qty,
    refund_total: round2(Number(item.total) * share),
    refund_tax: (item.taxes ?? []).map((t) => ({ id: t.id, refund_total: round2(Number(t.total) * share) })),
  }
}

function astItem(key: string, t: Tracking, now: Date) {
  return {
    tracking_provider: '',
    custom_tracking_provider: t.carrier ?? '',
    custom_tracking_link: t.url ?? '',
    tracking_number: t.number,
    date_shipped: String(Math.floor(now.getTime() / 1000)),
    tracking_id: key,
  }
}

function metaList(order: WooOrderLite, key: string): unknown[] {
  const v = order.meta_data.find((m) => m.key === key)?.value
  return Array.isArray(v) ? v : []
}

function describeLines(lines: PlatformLineRef[]): string {
  return lines.map((l) => `line ${l.platformLineId} ×${l.qty}`).join(', ')
}

const round2 = (n: number) => Math.round(n * 100) / 100

/** The few REST calls the client makes more than once. */
function wooApi(req: WooRequest) {
  return {
    async order(id: string): Promise<WooOrderLite> {
      const o = (await req('get', `orders/${id}`)).json as Partial<WooOrderLite> | null
      if (!o || typeof o !== 'object' || typeof o.status !== 'string') throw new PlatformCallError(`WooCommerce GET orders/${id}: not an order`, { retryable: false })
      return { id: Number(o.id), status: o.status, meta_data: o.meta_data ?? [], line_items: o.line_items ?? [] }
    },
    async notes(id: string): Promise<WooNote[]> {
      const notes = (await req('get', `orders/${id}/notes`, { params: { type: 'internal' } })).json
      // Without the notes wismo cannot tell what it already did: fail rather than act twice.
      if (!Array.isArray(notes)) throw new PlatformCallError(`WooCommerce GET orders/${id}/notes: not a list`, { retryable: false })
      return notes.filter((n): n is WooNote => typeof n?.note === 'string')
    },
    async addNote(id: string, note: string): Promise<void> {
      await req('post', `orders/${id}/notes`, { data: { note, customer_note: false } })
    },
    async setStatus(id: string, status: string): Promise<void> {
      await req('put', `orders/${id}`, { data: { status } })
    },
    async setMeta(id: string, meta: WooMeta[]): Promise<void> {
      await req('put', `orders/${id}`, { data: { meta_data: meta } })
    },
  }
}

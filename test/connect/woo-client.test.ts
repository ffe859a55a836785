import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createWooClient, AST_META, TRACKING_META, STATUS_URL_META } from '../../src/connect/woocommerce/client.ts'
import { PlatformCallError, type OrderPage, type PlatformClient } from '../../src/connect/platform.ts'
import { TestClock } from '../../src/clock.ts'
import { startFakeWoo, type FakeWoo } from '../support/fake-woocommerce.ts'

async function withWoo(fn: (woo: FakeWoo, client: PlatformClient, sleeps: number[]) => Promise<void>, perPage = 2) {
  const woo = await startFakeWoo()
  const sleeps: number[] = []
  const client = createWooClient({
    url: woo.url,
    consumerKey: woo.consumerKey,
    consumerSecret: woo.consumerSecret,
    perPage,
    clock: new TestClock('2026-12-03T16:00:00Z'),
    sleep: async (ms) => void sleeps.push(ms),
  })
  try {
    await fn(woo, client, sleeps)
  } finally {
    await woo.close()
  }
}

async function pages(client: PlatformClient, since: Date | null = null, cursor: string | null = null): Promise<OrderPage[]> {
  const out: OrderPage[] = []
  for await (const p of client.orderPages({ since, cursor })) out.push(p)
  return out
}

const writes = (woo: FakeWoo) => woo.calls.filter((c) => c.method !== 'GET' && c.status > 0 && c.status < 300).map((c) => `${c.method} ${c.path.replace('/wp-json/wc/v3/', '')}`)

const rejects = (p: Promise<unknown>, want: { retryable: boolean; revoked?: boolean; message?: RegExp }) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof PlatformCallError, String(e))
    assert.equal(e.retryable, want.retryable, e.message)
    assert.equal(e.revoked, want.revoked ?? false, e.message)
    if (want.message) assert.match(e.message, want.message)
    return true
  })

test('backfill pages every order once, oldest change first, signed with OAuth 1.0a over http', () =>
  withWoo(async (woo, client) => {
    woo.seed(5)
    woo.updateOrder(1002, { customer_note: 'ring twice' }) // now the latest change
    const got = await pages(client)
    assert.deepEqual(got.map((p) => p.cursor), ['2', '3', null])
    assert.deepEqual(got.flatMap((p) => p.orders.map((o) => o.platformOrderId)), ['1001', '1003', '1004', '1005', '1002'])
    assert.deepEqual(JSON.parse(got[0].raw.toString('utf8')).map((o: { id: number }) => o.id), [1001, 1003])
    const list = woo.calls.filter((c) => c.path.endsWith('/orders'))
    assert.equal(list.length, 3)
    assert.equal(list[0].query.orderby, 'modified')
    assert.equal(list[0].query.order, 'asc')
    assert.equal(list[0].query.dates_are_gmt, 'true')
    assert.equal(list[0].query.per_page, '2')
    assert.match(list[0].query.oauth_signature ?? '', /^[A-Za-z0-9+/]+=*$/)
    assert.equal(list[0].query.oauth_consumer_key, woo.consumerKey)
  }))

test('since and cursor: only orders changed after since, resuming at the cursor page', () =>
  withWoo(async (woo, client) => {
    woo.seed(5)
    const since = new Date(woo.order(1002).resource.date_modified_gmt + 'Z')
    const got = await pages(client, since)
    // At or after: WooCommerce's modified_after is strict, so the client asks from a second before.
    assert.deepEqual(got.flatMap((p) => p.orders.map((o) => o.platformOrderId)), ['1002', '1003', '1004', '1005'])
    assert.equal(woo.calls.find((c) => c.path.endsWith('/orders'))?.query.modified_after, new Date(since.getTime() - 1000).toISOString())
    const resumed = await pages(client, null, '2')
    assert.deepEqual(resumed.flatMap((p) => p.orders.map((o) => o.platformOrderId)), ['1003', '1004', '1005'])
  }))

test('hold twice with one key: on hold once, one note; release puts it back only when no wismo hold is open', () =>
  withWoo(async (woo, client) => {
    woo.seed(1)
    const hold = (key: string) => client.hold({ key, platformOrderId: '1001', lines: [{ platformLineId: '100101', qty: 1 }], reason: 'INVENTORY_OUT_OF_STOCK', note: 'supplier backordered TBL-WAL' })
    assert.deepEqual(await hold('hold:17:1'), { holdId: 'hold:17:1' })
    assert.deepEqual(await hold('hold:17:1'), { holdId: 'hold:17:1' })
    assert.equal(woo.order(1001).status, 'on-hold')
    assert.deepEqual(writes(woo), ['PUT orders/1001', 'POST orders/1001/notes'])
    await hold('hold:18:1')
    assert.equal(woo.order(1001).notes.length, 2)
    assert.ok(woo.order(1001).notes.every((n) => n.customer_note === false))

    await client.release({ key: 'r1', platformOrderId: '1001', holdId: 'hold:17:1', note: 'restocked' })
    await client.release({ key: 'r1', platformOrderId: '1001', holdId: 'hold:17:1', note: 'restocked' })
    assert.equal(woo.order(1001).status, 'on-hold', 'h2 still holds it')
    await client.release({ key: 'r2', platformOrderId: '1001', holdId: 'hold:18:1', note: 'restocked' })
    assert.equal(woo.order(1001).status, 'processing')
    const marks = woo.order(1001).notes.map((n) => /^wismo (hold|release) (\S+?): /.exec(n.note)?.slice(1).join(' ')).reverse()
    assert.deepEqual(marks, ['hold hold:17:1', 'hold hold:18:1', 'release hold:17:1', 'release hold:18:1'])
  }))

test('an order the merchant put on hold stays on hold when wismo releases its own hold', () =>
  withWoo(async (woo, client) => {
    woo.addOrder({ status: 'on-hold' })
    await client.hold({ key: 'hold:17:1', platformOrderId: '1001', lines: [], reason: 'UNKNOWN_DELIVERY_DATE', note: 'no date' })
    await client.release({ key: 'r1', platformOrderId: '1001', holdId: 'hold:17:1', note: 'restocked' })
    assert.equal(woo.order(1001).status, 'on-hold')
    assert.equal(writes(woo).filter((w) => w.startsWith('PUT')).length, 0)
  }))

test('no hold on an order that is done with: an empty holdId, nothing written', () =>
  withWoo(async (woo, client) => {
    woo.addOrder({ status: 'completed' })
    assert.deepEqual(await client.hold({ key: 'hold:9:1', platformOrderId: '1001', lines: [], reason: 'INVENTORY_OUT_OF_STOCK', note: 'late' }), { holdId: '' })
    assert.deepEqual(writes(woo), [])
  }))

test('fulfill twice with one key: one tracking entry (wismo and shipment-tracking meta), one note, status untouched', () =>
  withWoo(async (woo, client) => {
    woo.seed(1)
    const input = { key: 'f1', platformOrderId: '1001', lines: [{ platformLineId: '100101', qty: 1 }], tracking: { carrier: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' } }
    assert.deepEqual(await client.fulfill(input), { fulfillmentId: 'f1' })
    assert.deepEqual(await client.fulfill(input), { fulfillmentId: 'f1' })
    const o = woo.order(1001)
    assert.deepEqual(o.meta[TRACKING_META], [{ key: 'f1', carrier: 'UPS', number: '1Z999AA10123456784', url: input.tracking.url, lines: [{ id: '100101', qty: 1 }] }])
    assert.deepEqual(o.meta[AST_META], [
      { tracking_provider: '', custom_tracking_provider: 'UPS', custom_tracking_link: input.tracking.url, tracking_number: '1Z999AA10123456784', date_shipped: String(Date.parse('2026-12-03T16:00:00Z') / 1000), tracking_id: 'f1' },
    ])
    assert.equal(o.notes.length, 1)
    assert.match(o.notes[0].note, /^wismo fulfill f1: shipped line 100101 ×1 — UPS 1Z999AA10123456784 https/)
    assert.equal(o.status, 'processing')
    await client.fulfill({ ...input, key: 'f2', tracking: { carrier: null, number: '9400111899223344556677', url: null } })
    assert.deepEqual((woo.order(1001).meta[TRACKING_META] as { key: string }[]).map((t) => t.key), ['f1', 'f2'])
    assert.equal(writes(woo).length, 4)
  }))

test('cancel with refund twice: one refund through the gateway with the key in its reason', () =>
  withWoo(async (woo, client) => {
    woo.addOrder({ lines: [{ name: 'Mug', sku: 'MUG', quantity: 4, price: 19, taxRate: 0.08 }, { name: 'Plate', sku: 'PLT', quantity: 1, price: 30 }] })
    const input = { key: 'c1', platformOrderId: '1001', lines: [{ platformLineId: '100101', qty: 2 }], wholeOrder: false, refund: true, amount: 41.04, note: 'supplier discontinued MUG' }
    const first = await client.cancel(input)
    assert.deepEqual(await client.cancel(input), first)
    const o = woo.order(1001)
    assert.equal(o.refunds.length, 1)
    assert.deepEqual([o.refunds[0].amount, o.refunds[0].reason, o.refunds[0].refunded_payment], ['41.04', 'wismo c1: supplier discontinued MUG', true])
    assert.equal(o.status, 'processing')
    const post = woo.calls.find((c) => c.method === 'POST' && c.path.endsWith('/refunds'))!
    assert.deepEqual(post.body, {
      amount: '41.04',
      reason: 'wismo c1: supplier discontinued MUG',
      line_items: [{ id: 100101, quantity: 2, refund_total: 38, refund_tax: [{ id: 1, refund_total: 3.04 }] }],
      api_refund: true,
      api_restock: false,
    })
    // The order resource lists the refund by total only; its lines still read whole (see map.ts).
    const [page] = await pages(client)
    assert.deepEqual(page.orders[0].lines.map((l) => [l.qty, l.currentQty]), [[4, 4], [1, 1]])
    assert.equal(JSON.parse(page.raw.toString('utf8'))[0].refunds[0].total, '-41.04')
  }))

test('cancel the whole order without refund: recorded refund, then cancelled — also when the status change failed the first time', () =>
  withWoo(async (woo, client) => {
    woo.seed(1)
    const input = { key: 'c2', platformOrderId: '1001', lines: [{ platformLineId: '100101', qty: 1 }], wholeOrder: true, refund: false, amount: 129.6, note: 'no consent' }
    woo.failNext(1, '500', { method: 'PUT' })
    await rejects(client.cancel(input), { retryable: true, message: /internal_server_error/ })
    assert.equal(woo.order(1001).refunds.length, 1)
    await client.cancel(input)
    const o = woo.order(1001)
    assert.equal(o.refunds.length, 1)
    assert.equal(o.refunds[0].refunded_payment, false)
    assert.equal(o.refunds[0].reason, 'wismo c2: no consent (not paid back through the gateway: the store refunds it)')
    assert.equal(o.status, 'cancelled')
  }))

test('link twice: the status URL meta written once', () =>
  withWoo(async (woo, client) => {
    woo.seed(1)
    await client.link({ key: 'l1', platformOrderId: '1001', url: 'https://wismo.example.com/o/abc' })
    await client.link({ key: 'l1', platformOrderId: '1001', url: 'https://wismo.example.com/o/abc' })
    assert.equal(woo.order(1001).meta[STATUS_URL_META], 'https://wismo.example.com/o/abc')
    assert.deepEqual(writes(woo), ['PUT orders/1001'])
  }))

test('429 waits out Retry-After once, then is retryable; 500 and a dropped connection are retryable', () =>
  withWoo(async (woo, client, sleeps) => {
    woo.seed(1)
    woo.failNext(1, '429')
    await client.link({ key: 'l1', platformOrderId: '1001', url: 'https://wismo.example.com/o/1' })
    assert.deepEqual(sleeps, [1000])
    woo.failNext(2, '429')
    await rejects(client.link({ key: 'l2', platformOrderId: '1001', url: 'https://wismo.example.com/o/2' }), { retryable: true, message: /HTTP 429 too_many_requests/ })
    woo.failNext(1, '500')
    await rejects(pages(client), { retryable: true, message: /HTTP 500 internal_server_error: There has been a critical error/ })
    woo.failNext(1, 'drop')
    await rejects(client.hold({ key: 'h', platformOrderId: '1001', lines: [], reason: 'INVENTORY_OUT_OF_STOCK', note: 'x' }), { retryable: true })
  }))

test('401 is revoked: a revoked key, a wrong secret; an unknown order is not retryable', () =>
  withWoo(async (woo, client) => {
    woo.seed(1)
    await rejects(client.link({ key: 'l', platformOrderId: '4242', url: 'https://x' }), { retryable: false, message: /HTTP 404 woocommerce_rest_shop_order_invalid_id: Invalid ID/ })
    const wrong = createWooClient({ url: woo.url, consumerKey: woo.consumerKey, consumerSecret: 'cs_wrong' })
    await rejects(pages(wrong), { retryable: false, revoked: true, message: /signature does not match/ })
    woo.revoke()
    await rejects(pages(client), { retryable: false, revoked: true, message: /woocommerce_rest_authentication_error: Consumer key is invalid/ })
  }))

test('over https the client uses basic auth; an injected fetch carries the requests', () =>
  withWoo(async (woo) => {
    woo.seed(3)
    const seen: string[] = []
    const client = createWooClient({
      url: 'https://shop.example.test',
      consumerKey: woo.consumerKey,
      consumerSecret: woo.consumerSecret,
      fetch: async (input, init) => {
        const req = new Request(input, init)
        seen.push(req.url)
        assert.match(req.headers.get('authorization') ?? '', /^Basic /)
        return fetch(new Request(req.url.replace('https://shop.example.test', woo.url), req))
      },
    })
    const got = await pages(client)
    assert.equal(got.flatMap((p) => p.orders).length, 3)
    assert.match(seen[0], /^https:\/\/shop\.example\.test\/wp-json\/wc\/v3\/orders\?/)
    assert.equal(woo.calls[0].query.oauth_signature, undefined)
  }))

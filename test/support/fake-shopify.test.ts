/**
 * The fake Shopify itself: it refuses what Shopify refuses (bad documents, wrong tokens, an
 * empty bucket), pages like Shopify, and keeps fulfillment state the way the connector relies on.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { TestClock } from '../../src/clock.ts'
import { sendShopifyWebhook, shopifyQueryCost, startFakeShopify, validateShopifyDocument, type FakeShopify } from './fake-shopify.ts'

type Json = any // eslint-disable-line @typescript-eslint/no-explicit-any

const fakes: FakeShopify[] = []
after(async () => {
  for (const f of fakes) await f.close()
})

async function start(opts: Parameters<typeof startFakeShopify>[0] = {}): Promise<FakeShopify> {
  const f = await startFakeShopify(opts)
  fakes.push(f)
  return f
}

async function gql(f: FakeShopify, query: string, variables: Record<string, unknown> = {}, token = f.token): Promise<{ status: number; body: Json }> {
  const res = await fetch(f.graphqlUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
    body: JSON.stringify({ query, variables }),
  })
  return { status: res.status, body: await res.json() }
}

const ORDERS = `query Orders($after: String, $q: String) {
  orders(first: 7, after: $after, query: $q, sortKey: UPDATED_AT) {
    nodes { id name updatedAt lineItems(first: 5) { nodes { id sku currentQuantity originalUnitPriceSet { shopMoney { amount currencyCode } } } } }
    pageInfo { hasNextPage endCursor }
  }
}`

test('a document the 2025-04 schema refuses is answered GRAPHQL_VALIDATION_FAILED and recorded', async () => {
  const f = await start()
  const bad = '{ orders(first: 1) { nodes { id trackingNumber } } }'
  const { status, body } = await gql(f, bad)
  assert.equal(status, 200)
  assert.equal(body.errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED')
  assert.match(body.errors[0].message, /trackingNumber/)
  assert.deepEqual(body.errors[0].locations, [{ line: 1, column: 33 }])
  assert.equal(body.data, undefined)
  assert.equal(f.invalidDocuments.length, 1)
  assert.equal(f.calls[0].outcome, 'invalid')
  assert.deepEqual(validateShopifyDocument(ORDERS), [])
  assert.equal(validateShopifyDocument(bad).length, 1)
  assert.match(validateShopifyDocument('{ orders(first: ')[0], /Syntax Error/)
  // Valid for Shopify but not served by the fake: an error, never a silent null.
  const unserved = await gql(f, '{ products(first: 1) { nodes { id } } }')
  assert.equal(unserved.body.errors[0].extensions.code, 'NOT_IMPLEMENTED')
})

test('paging by updated_at returns every matching order once, in updated_at order', async () => {
  const clock = new TestClock('2026-02-01T00:00:00Z')
  const f = await start({ clock })
  f.addOrder({ updatedAt: '2025-12-31T23:59:59Z', createdAt: '2025-12-01T00:00:00Z' }) // before the cut: never listed
  const ids: string[] = []
  for (let i = 0; i < 20; i++) {
    // Out of id order, several sharing one second.
    const at = new Date(Date.parse('2026-01-01T00:00:00Z') + ((i * 7) % 20) * 500)
    ids.push(f.addOrder({ createdAt: at, lines: [{ quantity: 2, price: '19.99' }] }).id)
  }
  clock.advance(1000)
  f.updateOrder(ids[0], { note: 'moved to the end' })
  const seen: string[] = []
  const stamps: string[] = []
  let after: string | null = null
  for (let page = 0; page < 10; page++) {
    const { body }: { body: Json } = await gql(f, ORDERS, { after, q: "updated_at:>='2026-01-01T00:00:00Z'" })
    assert.equal(body.errors, undefined)
    for (const o of body.data.orders.nodes) {
      seen.push(o.id)
      stamps.push(o.updatedAt)
      assert.equal(o.lineItems.nodes[0].originalUnitPriceSet.shopMoney.amount, '19.99')
    }
    after = body.data.orders.pageInfo.endCursor
    if (!body.data.orders.pageInfo.hasNextPage) break
  }
  assert.deepEqual([...seen].sort(), [...ids].sort())
  assert.deepEqual(stamps, [...stamps].sort())
  assert.equal(seen.at(-1), ids[0])
  // The other spellings of the filter.
  const gt = await gql(f, ORDERS, { q: 'updated_at:>2026-01-01T00:00:09Z' })
  assert.deepEqual(gt.body.data.orders.nodes.map((o: Json) => o.id), [ids[0]])
  assert.ok(gt.body.extensions.cost.requestedQueryCost > gt.body.extensions.cost.actualQueryCost)
})

test('an empty bucket answers THROTTLED without running the query, and recovers as the clock moves', async () => {
  const clock = new TestClock('2026-03-01T00:00:00Z')
  const f = await start({ clock, maximumAvailable: 100, restoreRate: 10 })
  for (let i = 0; i < 20; i++) f.addOrder()
  const q = '{ orders(first: 20) { nodes { id } } }' // 2 + 20 × 1 = 22
  for (let i = 0; i < 4; i++) {
    const { body } = await gql(f, q)
    assert.equal(body.extensions.cost.requestedQueryCost, 22)
    assert.equal(body.extensions.cost.actualQueryCost, 22)
    assert.equal(body.extensions.cost.throttleStatus.currentlyAvailable, 100 - 22 * (i + 1))
  }
  const throttled = await gql(f, q)
  assert.equal(throttled.status, 200)
  assert.deepEqual(throttled.body.errors, [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }])
  assert.equal(throttled.body.data, undefined)
  assert.deepEqual(throttled.body.extensions.cost.throttleStatus, { maximumAvailable: 100, currentlyAvailable: 12, restoreRate: 10 })
  clock.advance(1000)
  const ok = await gql(f, q)
  assert.equal(ok.body.data.orders.nodes.length, 20)
  assert.equal(ok.body.extensions.cost.throttleStatus.currentlyAvailable, 0)
  const tooBig = await gql(f, '{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }')
  assert.equal(tooBig.body.errors[0].extensions.code, 'MAX_COST_EXCEEDED')
  f.failNext(1, 'throttled')
  clock.advance(60_000)
  assert.equal((await gql(f, q)).body.errors[0].extensions.code, 'THROTTLED')
  assert.deepEqual(f.calls.map((c) => c.outcome), ['ok', 'ok', 'ok', 'ok', 'throttled', 'ok', 'max-cost', 'fault:throttled'])
})

const HOLD = `mutation Hold($id: ID!, $hold: FulfillmentOrderHoldInput!) {
  fulfillmentOrderHold(id: $id, fulfillmentHold: $hold) {
    fulfillmentHold { id handle reason }
    fulfillmentOrder { id status }
    remainingFulfillmentOrder { id }
    userErrors { field message code }
  }
}`
const RELEASE = `mutation Release($id: ID!, $holdIds: [ID!]) {
  fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds) { fulfillmentOrder { id status } userErrors { field message code } }
}`
const FULFILL = `mutation Fulfill($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment, message: "shipped") {
    fulfillment { id status trackingInfo { company number url } }
    userErrors { field message }
  }
}`

test('hold, release, then fulfil: holds block fulfilment, quantities are checked, notifyCustomer is kept', async () => {
  const f = await start()
  const o = f.addOrder({ lines: [{ quantity: 2 }, { quantity: 1 }] })
  const [foLine1, foLine2] = o.fulfillmentOrderLineItemIds
  const hold = (handle: string) => gql(f, HOLD, { id: o.fulfillmentOrderId, hold: { reason: 'INVENTORY_OUT_OF_STOCK', reasonNotes: 'backordered', handle, notifyMerchant: false } })
  const h1 = (await hold('wismo-1')).body.data.fulfillmentOrderHold
  assert.deepEqual(h1.userErrors, [])
  assert.equal(h1.fulfillmentOrder.status, 'ON_HOLD')
  assert.equal(h1.fulfillmentHold.handle, 'wismo-1')
  const h2 = (await hold('wismo-2')).body.data.fulfillmentOrderHold
  assert.deepEqual(h2.userErrors, [])
  const dup = (await hold('wismo-1')).body.data.fulfillmentOrderHold
  assert.equal(dup.userErrors[0].code, 'DUPLICATE_FULFILLMENT_HOLD_HANDLE')
  assert.equal(f.order(o.id)!.fulfillmentOrders[0].holds.length, 2)

  const track = { company: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' }
  const fulfill = (items: { id: string; quantity: number }[]) => gql(f, FULFILL, {
    fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: o.fulfillmentOrderId, fulfillmentOrderLineItems: items }], trackingInfo: track, notifyCustomer: false },
  })
  const onHold = (await fulfill([{ id: foLine1, quantity: 1 }])).body.data.fulfillmentCreate
  assert.equal(onHold.fulfillment, null)
  assert.match(onHold.userErrors[0].message, /unfulfillable status= on_hold/)

  const r1 = (await gql(f, RELEASE, { id: o.fulfillmentOrderId, holdIds: [h1.fulfillmentHold.id] })).body.data.fulfillmentOrderReleaseHold
  assert.equal(r1.fulfillmentOrder.status, 'ON_HOLD')
  const r2 = (await gql(f, RELEASE, { id: o.fulfillmentOrderId, holdIds: [h2.fulfillmentHold.id] })).body.data.fulfillmentOrderReleaseHold
  assert.equal(r2.fulfillmentOrder.status, 'OPEN')
  const unknown = (await gql(f, RELEASE, { id: 'gid://shopify/FulfillmentOrder/1' })).body.data.fulfillmentOrderReleaseHold
  assert.equal(unknown.userErrors[0].code, 'FULFILLMENT_ORDER_NOT_FOUND')

  const tooMany = (await fulfill([{ id: foLine1, quantity: 3 }])).body.data.fulfillmentCreate
  assert.match(tooMany.userErrors[0].message, /quantity/)
  const first = (await fulfill([{ id: foLine1, quantity: 2 }])).body.data.fulfillmentCreate
  assert.deepEqual(first.userErrors, [])
  assert.deepEqual(first.fulfillment.trackingInfo, [track])
  assert.equal(f.order(o.id)!.fulfillmentOrders[0].status, 'IN_PROGRESS')
  await fulfill([{ id: foLine2, quantity: 1 }])
  const state = f.order(o.id)!
  assert.equal(state.fulfillmentOrders[0].status, 'CLOSED')
  assert.deepEqual(state.fulfillments.map((x) => [x.notifyCustomer, x.message]), [[false, 'shipped'], [false, 'shipped']])
  assert.deepEqual(f.calls.filter((c) => c.operation === 'mutation').map((c) => c.requestedQueryCost! >= 10), Array(10).fill(true))
})

test('partial hold splits the fulfillment order; refunds, cancellation and metafields change the order', async () => {
  const clock = new TestClock('2026-04-01T00:00:00Z')
  const f = await start({ clock })
  const o = f.addOrder({ lines: [{ quantity: 3 }, { quantity: 1 }] })
  const split = (await gql(f, HOLD, { id: o.fulfillmentOrderId, hold: { reason: 'UNKNOWN_DELIVERY_DATE', fulfillmentOrderLineItems: [{ id: o.fulfillmentOrderLineItemIds[0], quantity: 1 }] } })).body.data.fulfillmentOrderHold
  assert.deepEqual(split.userErrors, [])
  assert.ok(split.remainingFulfillmentOrder.id)
  assert.deepEqual(f.order(o.id)!.fulfillmentOrders.map((x) => [x.status, x.lines.map((l) => l.remainingQuantity)]), [['ON_HOLD', [1]], ['OPEN', [2, 1]]])

  clock.advance(5000)
  const refund = await gql(f, `mutation R($input: RefundInput!) { refundCreate(input: $input) { refund { id note totalRefundedSet { shopMoney { amount } } } userErrors { field message } } }`, {
    input: { orderId: o.id, note: 'one fewer', notify: false, refundLineItems: [{ lineItemId: o.lineItemIds[1], quantity: 1, restockType: 'CANCEL' }], transactions: [{ orderId: o.id, gateway: 'manual', kind: 'REFUND', amount: '21.99' }] },
  })
  assert.equal(refund.body.data.refundCreate.refund.totalRefundedSet.shopMoney.amount, '21.99')
  assert.equal(f.order(o.id)!.lines[1].currentQuantity, 0)
  assert.equal(f.order(o.id)!.updatedAt, '2026-04-01T00:00:05Z')

  // A merchant's order edit: one unit of the first line removed.
  clock.advance(5000)
  f.updateOrder(o.id, { lineQuantities: { [o.lineItemIds[0]]: 2 } })
  const hook: Json = f.webhookPayload(o.id)
  assert.deepEqual(hook.line_items.map((l: Json) => [l.quantity, l.current_quantity]), [[3, 2], [1, 0]])
  assert.equal(hook.updated_at, '2026-04-01T00:00:10Z')
  assert.equal(hook.refunds[0].refund_line_items[0].quantity, 1)

  const link = 'https://wismo.example/o/abc'
  const mf = await gql(f, `mutation M($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { id key namespace value } userErrors { field message code } } }`,
    { m: [{ ownerId: o.id, namespace: 'wismo', key: 'status_url', type: 'url', value: link }] })
  assert.equal(mf.body.data.metafieldsSet.metafields[0].value, link)
  const read = await gql(f, `query($id: ID!) { order(id: $id) { metafield(namespace: "wismo", key: "status_url") { value type } } }`, { id: o.id })
  assert.deepEqual(read.body.data.order.metafield, { value: link, type: 'url' })

  const cancel = `mutation C($id: ID!) { orderCancel(orderId: $id, reason: INVENTORY, refund: true, restock: true, notifyCustomer: false, staffNote: "wismo") { job { id } orderCancelUserErrors { field message code } userErrors { field message } } }`
  const c1 = (await gql(f, cancel, { id: o.id })).body.data.orderCancel
  assert.deepEqual(c1.orderCancelUserErrors, [])
  assert.ok(f.order(o.id)!.cancelledAt)
  assert.deepEqual(f.order(o.id)!.cancellation, { reason: 'INVENTORY', refund: true, restock: true, notifyCustomer: false, staffNote: 'wismo' })
  const c2 = (await gql(f, cancel, { id: 'gid://shopify/Order/1' })).body.data.orderCancel
  assert.equal(c2.orderCancelUserErrors[0].code, 'NOT_FOUND')
})

test('webhooks: REST-shaped order body, HMAC over the raw bytes verifies with node:crypto', async () => {
  const f = await start()
  const o = f.addOrder({ lines: [{ sku: 'ABC-1', quantity: 2, price: 10, taxRate: 0.2 }] })
  const payload: Json = f.webhookPayload(o.id)
  assert.equal(payload.admin_graphql_api_id, o.id)
  assert.equal(payload.id, o.legacyResourceId)
  assert.equal(payload.name, '#1001')
  assert.equal(payload.order_number, 1001)
  assert.deepEqual(
    [payload.line_items[0].sku, payload.line_items[0].current_quantity, payload.line_items[0].fulfillable_quantity, payload.line_items[0].price, payload.line_items[0].tax_lines[0].price],
    ['ABC-1', 2, 2, '10.00', '4.00'],
  )

  const secret = 'shpss_webhook_secret'
  const got: { headers: http.IncomingHttpHeaders; raw: Buffer }[] = []
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      got.push({ headers: req.headers, raw: Buffer.concat(chunks) })
      res.end('ok')
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  after(() => receiver.close())
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`
  const sent = await sendShopifyWebhook(url, { topic: 'orders/updated', body: payload, secret, webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', triggeredAt: '2026-05-01T10:00:00Z' })
  assert.equal(sent.status, 200)
  const h = got[0].headers
  const expected = createHmac('sha256', secret).update(got[0].raw).digest()
  assert.ok(timingSafeEqual(Buffer.from(String(h['x-shopify-hmac-sha256']), 'base64'), expected))
  assert.equal(h['x-shopify-topic'], 'orders/updated')
  assert.equal(h['x-shopify-webhook-id'], 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043')
  assert.equal(h['x-shopify-shop-domain'], 'wismo-test.myshopify.com')
  assert.equal(h['x-shopify-api-version'], '2025-04')
  assert.equal(h['x-shopify-triggered-at'], '2026-05-01T10:00:00.000Z')
  assert.ok(h['x-shopify-event-id'])
  assert.deepEqual(JSON.parse(got[0].raw.toString()), payload)

  await sendShopifyWebhook(url, { topic: 'orders/updated', body: Buffer.from('{"id":1}'), secret, hmac: 'Zm9yZ2Vk' })
  assert.equal(got[1].headers['x-shopify-hmac-sha256'], 'Zm9yZ2Vk')
  assert.equal(got[1].raw.toString(), '{"id":1}')
})

test('401 for a wrong token and for every call after revoke(); injected HTTP faults', async () => {
  const f = await start()
  const q = '{ shop { name myshopifyDomain } }'
  assert.deepEqual((await gql(f, q)).body.data.shop, { name: 'Wismo Test Shop', myshopifyDomain: 'wismo-test.myshopify.com' })
  const wrong = await gql(f, q, {}, 'shpat_wrong')
  assert.equal(wrong.status, 401)
  assert.deepEqual(wrong.body, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' })

  f.failNext(1, '503')
  f.failNext(1, '429')
  f.failNext(1, 'drop')
  assert.equal((await gql(f, q)).status, 503)
  assert.equal((await gql(f, q)).status, 429)
  await assert.rejects(gql(f, q))
  assert.equal((await gql(f, q)).status, 200)
  // drop-after: the call ran, its answer was lost (what a connector's idempotency key is for).
  const o = f.addOrder()
  f.failNext(1, 'drop-after')
  await assert.rejects(gql(f, `mutation { metafieldsSet(metafields: [{ ownerId: "${o.id}", namespace: "wismo", key: "k", type: "single_line_text_field", value: "v" }]) { userErrors { message } } }`))
  assert.equal(f.order(o.id)!.metafields[0].value, 'v')

  f.revoke()
  const revoked = await gql(f, q)
  assert.equal(revoked.status, 401)
  assert.deepEqual(revoked.body.errors, '[API] Invalid API key or access token (unrecognized login or wrong password)')
  assert.deepEqual(f.calls.map((c) => [c.outcome, c.apiVersion, c.rootFields.join()]), [
    ['ok', '2025-04', 'shop'], ['unauthorized', '2025-04', 'shop'], ['fault:503', '2025-04', 'shop'], ['fault:429', '2025-04', 'shop'],
    ['fault:drop', '2025-04', 'shop'], ['ok', '2025-04', 'shop'], ['fault:drop-after', '2025-04', 'metafieldsSet'], ['unauthorized', '2025-04', 'shop'],
  ])
})

test('seed(10 000) pages quickly; a client that waits out THROTTLED gets every order', async () => {
  const clock = new TestClock('2026-06-01T00:00:00Z')
  const f = await start({ clock })
  const t0 = performance.now()
  f.seed(10_000)
  let after: string | null = null
  let count = 0
  let throttled = 0
  for (;;) {
    const { body }: { body: Json } = await gql(f, `query($after: String) { orders(first: 250, after: $after, sortKey: UPDATED_AT, query: "updated_at:>='2000-01-01T00:00:00Z'") { nodes { id updatedAt } pageInfo { hasNextPage endCursor } } }`, { after })
    if (body.errors?.[0]?.extensions?.code === 'THROTTLED') {
      const { requestedQueryCost, throttleStatus: t } = body.extensions.cost
      clock.advance(Math.ceil(((requestedQueryCost - t.currentlyAvailable) / t.restoreRate) * 1000))
      throttled++
      continue
    }
    count += body.data.orders.nodes.length
    after = body.data.orders.pageInfo.endCursor
    if (!body.data.orders.pageInfo.hasNextPage) break
  }
  assert.equal(count, 10_000)
  assert.ok(throttled > 0)
  assert.ok(performance.now() - t0 < 5000, `took ${performance.now() - t0} ms`)
})

/** Every field the connector is expected to read from an order, in one document. */
const FULL_ORDER = `#graphql
  fragment Money on MoneyBag { shopMoney { amount currencyCode } }
  query OrderPage($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      edges { cursor node {
        id legacyResourceId name email phone createdAt updatedAt processedAt cancelledAt cancelReason closed
        displayFinancialStatus note tags
        customer { id firstName lastName displayName email phone }
        shippingAddress { name zip countryCodeV2 phone city }
        totalShippingPriceSet { ...Money }
        lineItems(first: 20) { nodes {
          id sku name title vendor quantity currentQuantity variant { id sku }
          originalUnitPriceSet { ...Money } discountedUnitPriceSet { ...Money }
          taxLines { priceSet { shopMoney { amount } } rate title }
        } pageInfo { hasNextPage endCursor } }
        fulfillmentOrders(first: 5) { nodes {
          id status requestStatus
          lineItems(first: 20) { nodes { id totalQuantity remainingQuantity lineItem { id } } }
          fulfillmentHolds { id handle reason reasonNotes }
        } }
        fulfillments { id status createdAt trackingInfo { company number url } fulfillmentLineItems(first: 20) { nodes { id quantity lineItem { id } } } }
        refunds { id note createdAt totalRefundedSet { shopMoney { amount } } refundLineItems(first: 20) { nodes { quantity lineItem { id } } } }
        metafield(namespace: "wismo", key: "status_url") { id namespace key value type }
      } }
      pageInfo { hasNextPage endCursor }
    }
  }`

test('@shopify/admin-api-client reads a full order page from the fake through fake.fetch', async () => {
  const { createAdminApiClient } = await import('@shopify/admin-api-client')
  const f = await start()
  const o = f.addOrder({ lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1, taxRate: 0 }], phone: '+15035550100' })
  await gql(f, FULFILL, { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: o.fulfillmentOrderId, fulfillmentOrderLineItems: [{ id: o.fulfillmentOrderLineItemIds[1], quantity: 1 }] }], trackingInfo: { number: '9400100000000000000000' }, notifyCustomer: false } })
  assert.deepEqual(validateShopifyDocument(FULL_ORDER), [])
  const client = createAdminApiClient({ storeDomain: f.shop, apiVersion: '2025-04', accessToken: f.token, customFetchApi: f.fetch, logger: () => {} })
  const res = await client.request(FULL_ORDER, { variables: { first: 1, query: "updated_at:>='2000-01-01T00:00:00Z'" } })
  assert.equal(res.errors, undefined)
  const order = (res.data as Json).orders.edges[0].node
  assert.equal(order.id, o.id)
  assert.equal(order.legacyResourceId, String(o.legacyResourceId))
  assert.equal(order.shippingAddress.countryCodeV2, 'US')
  assert.deepEqual(order.lineItems.nodes.map((l: Json) => [l.sku, l.quantity, l.currentQuantity, l.taxLines.length]), [['A', 2, 2, 1], ['B', 1, 1, 0]])
  assert.equal(order.fulfillmentOrders.nodes[0].status, 'IN_PROGRESS')
  assert.equal(order.fulfillments[0].trackingInfo[0].number, '9400100000000000000000')
  assert.equal(order.metafield, null)
  assert.equal(f.calls.at(-1)!.operationName, 'OrderPage')
  assert.equal(f.calls.at(-1)!.apiVersion, '2025-04')
  // What this document costs per page size: the connector must pick a size under 1000.
  assert.equal(f.calls.at(-1)!.requestedQueryCost, 2 + 1 * 499)
})

test('suggestedRefund points at the sale; refundCreate records the refund transaction and refuses more than was paid', async () => {
  const f = await start()
  const o = f.addOrder({ lines: [{ quantity: 2, price: '10.00', taxRate: 0.1 }], shippingPrice: 5 }) // paid 2 × 10 + 2 tax + 5 = 27
  const suggest = await gql(f, `query S($id: ID!, $lines: [RefundLineItemInput!]) { order(id: $id) {
    transactions(first: 5) { id kind status gateway amountSet { shopMoney { amount } } }
    suggestedRefund(refundLineItems: $lines) { amountSet { shopMoney { amount } } suggestedTransactions { gateway kind amountSet { shopMoney { amount } } parentTransaction { id } } }
  } }`, { id: o.id, lines: [{ lineItemId: o.lineItemIds[0], quantity: 1 }] })
  const order = suggest.body.data.order
  assert.deepEqual(order.transactions.map((t: Json) => [t.kind, t.status, t.amountSet.shopMoney.amount]), [['SALE', 'SUCCESS', '27.00']])
  const t = order.suggestedRefund.suggestedTransactions[0]
  assert.deepEqual([order.suggestedRefund.amountSet.shopMoney.amount, t.kind, t.amountSet.shopMoney.amount, t.parentTransaction.id], ['11.00', 'SUGGESTED_REFUND', '11.00', order.transactions[0].id])

  const refund = (amount: string) => gql(f, `mutation R($input: RefundInput!) { refundCreate(input: $input) { refund { id } userErrors { field message } } }`, {
    input: { orderId: o.id, refundLineItems: [{ lineItemId: o.lineItemIds[0], quantity: 1, restockType: 'CANCEL' }], transactions: [{ orderId: o.id, gateway: t.gateway, kind: 'REFUND', amount, parentId: t.parentTransaction.id }] },
  })
  const tooMuch = (await refund('30.00')).body.data.refundCreate
  assert.deepEqual(tooMuch.userErrors[0].field, ['transactions', '0', 'amount'])
  assert.equal(f.order(o.id)!.lines[0].currentQuantity, 2)
  assert.deepEqual((await refund('11.00')).body.data.refundCreate.userErrors, [])
  assert.deepEqual(f.order(o.id)!.transactions.map((x) => [x.kind, x.amount]), [['SALE', '27.00'], ['REFUND', '11.00']])
  assert.equal(f.order(o.id)!.financialStatus, 'PARTIALLY_REFUNDED')
})

test('shopifyQueryCost: what a document would be charged, so a connector can keep each under 1000', () => {
  assert.equal(shopifyQueryCost('{ shop { name } }'), 1)
  assert.equal(shopifyQueryCost('query($n: Int!) { orders(first: $n) { nodes { id lineItems(first: 10) { nodes { id } } } } }', { n: 5 }), 2 + 5 * (1 + 2 + 10))
  assert.equal(shopifyQueryCost('mutation { metafieldsSet(metafields: []) { userErrors { message } } }'), 10 + 1)
})

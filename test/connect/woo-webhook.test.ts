import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { isWooPing, readWooDelivery, verifyWooSignature } from '../../src/connect/woocommerce/webhook.ts'
import { wooOrderToPlatform } from '../../src/connect/woocommerce/map.ts'
import { sendWooPing, sendWooWebhook, signWoo, startFakeWoo } from '../support/fake-woocommerce.ts'

/** A receiver that keeps each delivery's headers and raw bytes, as the webhook route will see them. */
async function receiver() {
  const got: { headers: http.IncomingHttpHeaders; raw: Buffer }[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      got.push({ headers: req.headers, raw: Buffer.concat(chunks) })
      res.end('ok')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/connect/woocommerce/webhooks`
  return { url, got, close: () => new Promise<void>((r) => server.close(() => r())) }
}

const secret = 'wh_sec_3f9a'

test('signature: the right secret over the raw bytes passes; forged, tampered, missing and wrong-secret fail', () => {
  const raw = Buffer.from('{"id":1001,"status":"processing"}')
  const good = signWoo(raw, secret)
  assert.equal(verifyWooSignature(raw, good, secret), true)
  assert.equal(verifyWooSignature(raw, signWoo(raw, 'other'), secret), false)
  assert.equal(verifyWooSignature(Buffer.from('{"id":1001, "status":"processing"}'), good, secret), false)
  assert.equal(verifyWooSignature(raw, undefined, secret), false)
  assert.equal(verifyWooSignature(raw, '', secret), false)
  assert.equal(verifyWooSignature(raw, 'not base64 at all!', secret), false)
  assert.equal(verifyWooSignature(raw, good.slice(0, -4), secret), false)
  assert.equal(verifyWooSignature(raw, good, ''), false)
})

test('a delivery from the fake store reads back: topic, ids, source, a valid signature over an order resource', async () => {
  const woo = await startFakeWoo()
  const rx = await receiver()
  try {
    woo.seed(1)
    const sent = await sendWooWebhook(rx.url, { topic: 'order.updated', body: woo.webhookBody(1001), secret, deliveryId: 'd-77' })
    assert.equal(sent.status, 200)
    const [{ headers, raw }] = rx.got
    assert.deepEqual(readWooDelivery(headers), {
      topic: 'order.updated',
      deliveryId: 'd-77',
      webhookId: '7',
      source: 'http://shop.example.test/',
      resource: 'order',
      event: 'updated',
    })
    assert.equal(verifyWooSignature(raw, headers['x-wc-webhook-signature'] as string, secret), true)
    assert.equal(wooOrderToPlatform(JSON.parse(raw.toString('utf8'))).platformOrderId, '1001')

    await sendWooWebhook(rx.url, { topic: 'order.updated', body: woo.webhookBody(1001), secret, signature: signWoo('{}', secret) })
    await sendWooWebhook(rx.url, { topic: 'order.deleted', body: { id: 1001 }, secret, signature: null })
    assert.equal(verifyWooSignature(rx.got[1].raw, rx.got[1].headers['x-wc-webhook-signature'] as string, secret), false)
    assert.equal(verifyWooSignature(rx.got[2].raw, rx.got[2].headers['x-wc-webhook-signature'] as string | undefined, secret), false)
    assert.equal(readWooDelivery(rx.got[2].headers).topic, 'order.deleted')
    assert.equal(isWooPing(readWooDelivery(headers), raw), false)
  } finally {
    await rx.close()
    await woo.close()
  }
})

test("WooCommerce's first delivery is a ping: form body webhook_id=N, no topic, no signature", async () => {
  const rx = await receiver()
  try {
    await sendWooPing(rx.url, '12')
    const [{ headers, raw }] = rx.got
    const d = readWooDelivery(headers)
    assert.deepEqual([d.topic, d.source], [undefined, 'http://shop.example.test/'])
    assert.equal(isWooPing(d, raw), true)
    // Without a topic and without a ping body it is nothing wismo knows.
    assert.equal(isWooPing(readWooDelivery({}), Buffer.from('{"id":1}')), false)
    assert.equal(isWooPing(readWooDelivery({ 'x-wc-webhook-topic': 'order.updated' }), raw), false)
  } finally {
    await rx.close()
  }
})

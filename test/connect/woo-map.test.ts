import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { wooOrderToPlatform } from '../../src/connect/woocommerce/map.ts'
import { DomainError } from '../../src/domain/errors.ts'
import type { PlatformOrder } from '../../src/connect/platform.ts'

const dir = new URL('../fixtures/woocommerce/', import.meta.url)
const read = (name: string) => JSON.parse(fs.readFileSync(new URL(name, dir), 'utf8'))
const order = () => read('order-1187.json')

test('the fixture uses the field names of the OpenAPI component shop_order', () => {
  const yml = fs.readFileSync(new URL('woocommerce-openapi-3.0.x.yml', dir), 'utf8')
  const start = yml.indexOf('\n    shop_order:\n')
  const block = yml.slice(start, yml.indexOf('\n    product_attribute_term:', start))
  const declared = new Set([...block.matchAll(/^ {8}([a-z_]+):$/gm)].map((m) => m[1]))
  const sentButUndocumented = ['currency_symbol', '_links'] // a current WooCommerce sends these too
  for (const key of Object.keys(order())) if (!sentButUndocumented.includes(key)) assert.ok(declared.has(key), `shop_order has no field ${key}`)
  for (const key of Object.keys(order().line_items[0])) if (key !== 'image') assert.match(block, new RegExp(`^ {14}${key}:$`, 'm'), `line_items has no field ${key}`)
})

test('an order resource reads as a PlatformOrder: GMT dates, shipping name and postcode, vendor from meta or attribute', () => {
  const expected: PlatformOrder = {
    platform: 'woocommerce',
    platformOrderId: '1187',
    number: '1187',
    placedAt: new Date('2026-11-30T14:05:12Z'),
    updatedAt: new Date('2026-11-30T14:06:40Z'),
    paidAt: new Date('2026-11-30T14:05:20Z'),
    cancelledAt: null,
    email: 'maribel.okafor@example.com',
    phone: '(617) 555-0182',
    name: 'Ade Okafor',
    postalCode: '04101',
    country: 'US',
    shipping: 12.5,
    lines: [
      { platformLineId: '815', variantId: '2207', sku: 'DUV-LIN-Q-OAT', title: 'Linen duvet cover - Queen, Oat', vendor: 'Northwind Linens', qty: 2, currentQty: 2, unitPrice: 85, tax: 13.6 },
      { platformLineId: '816', variantId: '1880', sku: null, title: 'Stoneware mug', vendor: 'Clayworks Co', qty: 4, currentQty: 4, unitPrice: 19, tax: 6.08 },
      { platformLineId: '817', variantId: null, sku: null, title: 'Gift wrap', vendor: null, qty: 1, currentQty: 1, unitPrice: 20, tax: 1.52 },
    ],
  }
  // The order's own `refunds` says money went back, not which units: without the detail, nothing is taken off.
  assert.deepEqual(wooOrderToPlatform(order()), expected)
})

test('the refunds detail takes refunded units off their line', () => {
  const o = wooOrderToPlatform(order(), { refunds: read('order-1187-refunds.json') })
  assert.deepEqual(o.lines.map((l) => [l.platformLineId, l.qty, l.currentQty]), [['815', 2, 2], ['816', 4, 2], ['817', 1, 1]])
})

test('a configured vendor key wins; an empty value falls through to the next key', () => {
  assert.equal(wooOrderToPlatform(order(), { vendorKeys: ['brand'] }).lines[1].vendor, 'House')
  const o = order()
  o.line_items[1].meta_data[0].value = ''
  o.line_items[1].meta_data[0].display_value = ''
  assert.equal(wooOrderToPlatform(o).lines[1].vendor, 'House')
})

test('cancelled and fully refunded orders are cancelled at their last change; other statuses are not', () => {
  for (const [status, cancelled] of [['cancelled', true], ['refunded', true], ['on-hold', false], ['completed', false], ['failed', false]] as const) {
    const o = { ...order(), status }
    assert.deepEqual(wooOrderToPlatform(o).cancelledAt, cancelled ? new Date('2026-11-30T14:06:40Z') : null, status)
  }
})

test('an unpaid order, a virtual one without a shipping address, a line without price', () => {
  const o = order()
  o.date_paid_gmt = null
  o.shipping = { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: '', phone: '' }
  delete o.line_items[2].price
  const p = wooOrderToPlatform(o)
  assert.equal(p.paidAt, null)
  assert.deepEqual([p.name, p.postalCode, p.country], ['Maribel Okafor', '02143', 'US'])
  assert.equal(p.lines[2].unitPrice, 20) // subtotal / quantity
})

test('dates with a Z already, and a number given as a number, read the same', () => {
  const o = { ...order(), date_created_gmt: '2026-11-30T14:05:12Z', number: 1187 }
  const p = wooOrderToPlatform(o)
  assert.deepEqual([p.placedAt, p.number], [new Date('2026-11-30T14:05:12Z'), '1187'])
})

test('a bad body is PLATFORM_ORDER_INVALID naming the field', () => {
  const bad = (mutate: (o: any) => void, field: RegExp) => {
    const o = order()
    mutate(o)
    assert.throws(
      () => wooOrderToPlatform(o),
      (e: unknown) => e instanceof DomainError && e.code === 'PLATFORM_ORDER_INVALID' && field.test(e.message),
    )
  }
  bad((o) => delete o.id, /: id: expected an integer id/)
  bad((o) => (o.date_modified_gmt = '30/11/2026 14:06'), /date_modified_gmt: expected a GMT date/)
  bad((o) => (o.date_created_gmt = undefined), /date_created_gmt/)
  bad((o) => (o.line_items[1].quantity = 'four'), /line_items\.1\.quantity/)
  bad((o) => (o.line_items = null), /line_items/)
  bad((o) => (o.shipping_total = '12,50'), /shipping_total: expected a decimal amount/)
  bad((o) => delete o.billing, /billing/)
  assert.throws(() => wooOrderToPlatform('webhook_id=7'), (e: unknown) => e instanceof DomainError && e.code === 'PLATFORM_ORDER_INVALID')
  assert.throws(
    () => wooOrderToPlatform(order(), { refunds: [{ id: 1, line_items: [{ quantity: 'x' }] }] }),
    (e: unknown) => e instanceof DomainError && /refunds|0\.line_items\.0\.quantity/.test(e.message),
  )
})

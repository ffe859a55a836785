/**
 * Issue 16, the customer's everyday details, on a phone and on a desktop: a choice is confirmed at
 * the top and beside its line; the backordered → restocked → shipped story is shown, not hidden;
 * a date is said once, a delivered item is not "an estimate", a damaged parcel and an item nobody
 * can supply promise no arrival.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { ingestMessage } from '../../src/store/inbound.ts'
import { applyCarrierEvents, parseCarrierEvents } from '../../src/carriers/carrier-events.ts'
import { assertAccessible, launchBrowser, listen, screenshot, type Browser } from './kit.ts'

let db: Db
let app: FastifyInstance
let browser: Browser
let base: string
const clock = new TestClock('2026-11-27T15:00:00Z')
const STORE = { storeName: 'Basecamp Outdoor Supply', storePhone: '1-800-555-0142', supportEmail: 'help@basecamp-outdoor.example' }
const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'
const SHIPPED = '1Z999AA10123456784'
const DAMAGED = '1Z999AA10123456795'
const DELIVERED = '9400100000000000000007'

async function feed(rows: string[], at: string, name: string): Promise<void> {
  const r = await ingestSupplierFeed(db, { body: Buffer.from([HEADER, ...rows].join('\n') + '\n'), filename: name, supplierId: 'ACME', source: 'test', receivedAt: new Date(at) })
  assert.equal(r.outcome, 'applied', JSON.stringify(r))
}

async function carrier(events: object[], at: string): Promise<void> {
  const body = JSON.stringify(events)
  const r = await ingestMessage(db, { kind: 'carrier_events', source: 'test', filename: `events-${at}.json`, body: Buffer.from(body), receivedAt: new Date(at) },
    (tx, id) => applyCarrierEvents(tx, id, parseCarrierEvents(body)))
  assert.equal(r.outcome, 'applied', JSON.stringify(r))
}

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  // The intermediate story: backordered, back in stock, shipped, moving — and a stove delivered.
  const lines = (po: string) => [
    { lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME', poNumber: po, poLine: '1' },
    { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: po, poLine: '2' },
  ]
  await seedOrder(db, { orderNumber: 'W4001', email: 'dana.fields@example.com', postalCode: '30301', placedAt: '2026-11-16T10:00:00Z', lines: lines('PO-41') })
  await feed(['PO-41,1,,backordered,1,2026-11-23,,', 'PO-41,2,,shipped,1,,USPS,' + DELIVERED], '2026-11-17T12:00:00Z', 'a1.csv')
  await feed(['PO-41,1,,backordered,1,2026-11-24,,'], '2026-11-19T12:00:00Z', 'a2.csv')
  await carrier([{ tracking_number: DELIVERED, carrier: 'USPS', status: 'delivered', occurred_at: '2026-11-19T17:00:00Z', location: 'Atlanta, GA', message: 'Delivered' }], '2026-11-19T17:05:00Z')
  await feed(['PO-41,1,,accepted,1,2026-11-24,,'], '2026-11-21T12:00:00Z', 'a3.csv')
  await feed(['PO-41,1,,shipped,1,,UPS,' + SHIPPED], '2026-11-24T12:00:00Z', 'a4.csv')
  for (const [day, where] of [['24', 'Reno, NV'], ['25', 'Denver, CO'], ['26', 'Memphis, TN']]) {
    await carrier([{ tracking_number: SHIPPED, carrier: 'UPS', status: 'in_transit', occurred_at: `2026-11-${day}T20:00:00Z`, location: where, message: 'Departed facility', estimated_delivery: '2026-11-30' }], `2026-11-${day}T20:05:00Z`)
  }
  // Waiting to be answered, one per viewport.
  for (const [n, po] of [['W4002', 'PO-42'], ['W4003', 'PO-43']]) {
    await seedOrder(db, { orderNumber: n, email: 'sam.rivers@example.com', postalCode: '94110', placedAt: '2026-11-16T11:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: po, poLine: '1' }] })
    await feed([`${po},1,,backordered,1,2026-12-21,,`], '2026-11-18T12:05:00Z', `${po}.csv`)
  }
  // A parcel reported damaged, and an item the supplier cannot supply.
  await seedOrder(db, { orderNumber: 'W4004', email: 'lee.park@example.com', postalCode: '10001', placedAt: '2026-11-16T12:00:00Z', lines: lines('PO-44') })
  await feed(['PO-44,1,,shipped,1,,UPS,' + DAMAGED, 'PO-44,2,,rejected,1,,,'], '2026-11-18T12:00:00Z', 'a5.csv')
  await carrier([{ tracking_number: DAMAGED, carrier: 'UPS', status: 'exception', occurred_at: '2026-11-20T14:00:00Z', message: 'Package damaged in transit', estimated_delivery: '2026-11-22' }], '2026-11-20T14:05:00Z')
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: 'browser-story-secret-0123456789', ...STORE } })
  base = await listen(app)
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await app?.close()
  await db?.close()
})

async function lookUp(phone: boolean, order: string, email: string): Promise<Page> {
  const ctx = await browser.context({ phone })
  const page = await ctx.newPage()
  await page.goto(`${base}/`)
  await page.getByLabel('Order number').fill(order)
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Find my order' }).click()
  await page.getByRole('heading', { name: `Order ${order}` }).waitFor()
  return page
}

/** True when the element's top is inside the viewport as the page stands (no scrolling needed to see it). */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect()
    return r.height > 0 && r.top >= -2 && r.top < window.innerHeight - 40
  })
}

for (const phone of [true, false]) {
  const device = phone ? 'phone' : 'desktop'

  test(`${device}: the intermediate story is shown, not hidden, and each date is said once`, async () => {
    const page = await lookUp(phone, 'W4001', 'dana.fields@example.com')
    const tent = page.locator('#line-1')
    const story = tent.locator('section.timeline')
    assert.ok(await story.getByRole('heading', { name: 'What happened so far' }).isVisible())
    const shown = await story.locator(':scope > ol').innerText()
    assert.match(shown, /Shipped[\s\S]*Departed facility/, 'the latest events are shown without a click')
    // The earlier part behind a control that says what it holds, and opens.
    const more = story.getByText(/Show \d+ earlier updates?/)
    assert.ok(await more.isVisible())
    await more.click()
    const all = await story.innerText()
    assert.match(all, /Ordered[\s\S]*Backordered[\s\S]*Back in stock[\s\S]*Shipped/, all)
    // The arrival window is said at most twice on the page (headline and line), never four times.
    const text = await page.locator('main').innerText()
    const window = /between \w+, \w+ \d+ and \w+, \w+ \d+|on \w+, \w+ \d+/.exec(text)
    assert.ok(window, text)
    assert.ok(text.split(window[0]).length - 1 <= 2, `"${window[0]}" said ${text.split(window[0]).length - 1} times:\n${text}`)
    // The stove was delivered: a fact, not the carrier's estimate.
    const stove = await page.locator('#line-2').innerText()
    assert.match(stove, /delivered on Thursday, November 19/)
    assert.doesNotMatch(stove, /estimate|Arrives/)
    await assertAccessible(page, `${device} intermediate story`)
    await screenshot(page, `customer-story-${device}`)
    await page.context().close()
  })

  test(`${device}: a damaged parcel and an item nobody can supply promise no arrival`, async () => {
    const page = await lookUp(phone, 'W4004', 'lee.park@example.com')
    const damaged = await page.locator('#line-1').innerText()
    assert.match(damaged, /damaged/)
    assert.doesNotMatch(damaged, /Arrives|should arrive|arrive by|estimate/i)
    const gone = await page.locator('#line-2').innerText()
    assert.match(gone, /can no longer be supplied/)
    assert.doesNotMatch(gone, /Arrives|should arrive|November|December/)
    await screenshot(page, `customer-problem-${device}`)
    await page.context().close()
  })

  test(`${device}: after Keep waiting the confirmation is at the top, in view, and the line says the choice`, async () => {
    const order = phone ? 'W4002' : 'W4003'
    const page = await lookUp(phone, order, 'sam.rivers@example.com')
    await page.locator('#options-1').getByRole('button', { name: 'Keep waiting' }).click()
    const status = page.getByRole('status')
    await status.filter({ hasText: "we'll keep" }).waitFor()
    assert.equal(new URL(page.url()).hash, '#confirmation')
    assert.ok(await inView(page, '#confirmation .notice'), 'the confirmation is on screen without scrolling: ' + await page.evaluate(() => JSON.stringify({ y: window.scrollY, h: window.innerHeight, r: document.querySelector('#confirmation')?.getBoundingClientRect(), a: document.activeElement?.id })))
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirmation', 'and has the focus for a screen reader')
    // Beside the line, outside any folded timeline.
    const chosen = page.locator('#line-1 .chosen')
    assert.match(await chosen.innerText(), /You chose to wait/)
    assert.ok(await chosen.isVisible())
    assert.equal(await chosen.evaluate((el) => el.closest('details') === null), true)
    assert.equal(await page.locator('#options-1').getByRole('button', { name: 'Keep waiting' }).count(), 0, 'a wait that stands is not offered again')
    await assertAccessible(page, `${device} after wait`)
    await screenshot(page, `customer-waited-${device}`)
    // Cancelling afterwards replaces what the line says.
    await page.locator('#options-1').getByRole('link', { name: 'Cancel this item' }).click()
    await page.locator('#options-1 .confirm:not([hidden])').getByRole('button', { name: 'Confirm cancellation' }).click()
    await status.filter({ hasText: 'is cancelled' }).waitFor()
    assert.ok(await inView(page, '#confirmation .notice'))
    assert.match(await page.locator('#line-1 .chosen').innerText(), /You cancelled this item/)
    await screenshot(page, `customer-cancelled-${device}`)
    await page.context().close()
  })
}

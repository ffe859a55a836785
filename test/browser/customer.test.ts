import { after, before, test } from 'node:test'
import { flushContacts } from '../../src/store/contacts.ts'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { signChoiceToken } from '../../src/choices/choice-token.ts'
import { assertAccessible, launchBrowser, listen, screenshot, type Browser } from './kit.ts'

let db: Db
let app: FastifyInstance
let browser: Browser
let base: string
const clock = new TestClock('2026-11-20T15:00:00Z')
const SECRET = 'browser-test-secret-0123456789'
const STORE = { storeName: 'Basecamp Outdoor Supply', storePhone: '1-800-555-0142', supportEmail: 'help@basecamp-outdoor.example' }

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W3001', email: 'dana.fields@example.com', postalCode: '30301', placedAt: '2026-11-16T10:00:00Z',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME', poNumber: 'PO-31', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-31', poLine: '2' },
    ],
  })
  await ingestSupplierFeed(db, {
    body: Buffer.from('po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-31,1,,backordered,1,2026-12-21,,\nPO-31,2,,accepted,1,,,\n'),
    filename: 'acme-status.csv', supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-18T12:00:00Z'),
  })
  await seedOrder(db, {
    orderNumber: 'W3002', email: 'sam.rivers@example.com', postalCode: '94110', placedAt: '2026-11-16T11:00:00Z',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME', poNumber: 'PO-32', poLine: '1' }],
  })
  await ingestSupplierFeed(db, {
    body: Buffer.from('po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-32,1,,backordered,1,2026-12-21,,\n'),
    filename: 'acme-status-2.csv', supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-18T12:05:00Z'),
  })
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: SECRET, ...STORE } })
  base = await listen(app)
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await app?.close()
  await db?.close()
})

test('a customer finds a backordered order on a phone: why, when, and the store on every page', async () => {
  const ctx = await browser.context({ phone: true })
  const page = await ctx.newPage()
  await page.goto(`${base}/`)
  await assertAccessible(page, 'lookup page')
  await screenshot(page, 'customer-lookup')
  assert.ok(await page.getByText('1-800-555-0142').first().isVisible())
  await page.getByLabel('Order number').fill('W3001')
  await page.getByLabel('Email').fill('Dana.Fields@example.com')
  await page.getByRole('button', { name: 'Find my order' }).click()
  await page.waitForURL(`${base}/orders/W3001`)
  await page.getByRole('heading', { name: 'Order W3001' }).waitFor()
  const text = await page.locator('main').innerText()
  assert.match(text, /Backordered/)
  assert.match(text, /December 21/, 'the supplier date in words')
  for (const secret of ['ACME', 'Acme', 'PO-31', 'A-7781', '150']) assert.ok(!(await page.content()).includes(secret), `page leaks ${secret}`)
  assert.ok(await page.getByText('help@basecamp-outdoor.example').first().isVisible())
  await assertAccessible(page, 'order page')
  await screenshot(page, 'customer-order')
  // The order number alone shows nothing: a fresh session gets the lookup form.
  const stranger = await (await browser.context({ phone: true })).newPage()
  await stranger.goto(`${base}/orders/W3001`)
  assert.equal(await stranger.getByRole('heading', { name: 'Order W3001' }).count(), 0)
  assert.ok(await stranger.getByLabel('Order number').isVisible())
  await flushContacts(db)
  const contacts = await db.query<{ channel: string; outcome: string }>('SELECT channel, outcome FROM contacts')
  assert.deepEqual(contacts, [{ channel: 'page', outcome: 'deflected' }])
  await ctx.close()
})

test('a wrong email and an unknown order get the same answer, with the store phone', async () => {
  const ctx = await browser.context({ phone: true })
  const page = await ctx.newPage()
  const answers: string[] = []
  for (const [order, email] of [['W3001', 'someone@example.com'], ['NOPE-1', 'dana.fields@example.com']]) {
    await page.goto(`${base}/`)
    await page.getByLabel('Order number').fill(order)
    await page.getByLabel('Email').fill(email)
    await page.getByRole('button', { name: 'Find my order' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    answers.push(await alert.innerText())
  }
  assert.equal(answers[0], answers[1])
  assert.match(answers[0], /We couldn't find that order/)
  assert.match(answers[0], /1-800-555-0142/)
  await assertAccessible(page, 'not found')
  await screenshot(page, 'customer-not-found')
  // The postal code instead of the email.
  await page.getByRole('link', { name: 'Use your postal code instead' }).click()
  await page.getByLabel('Order number').fill('W3001')
  await page.getByLabel('Postal code').fill('30301')
  await page.getByRole('button', { name: 'Find my order' }).click()
  await page.getByRole('heading', { name: 'Order W3001' }).waitFor()
  await ctx.close()
})

test('a backordered line takes the same item from another supplier in two clicks, said as the same item, never as a switch', async () => {
  const ctx = await browser.context({ phone: true })
  const page = await ctx.newPage()
  await page.goto(`${base}/`)
  await page.getByLabel('Order number').fill('W3001')
  await page.getByLabel('Email').fill('dana.fields@example.com')
  await page.getByRole('button', { name: 'Find my order' }).click()
  const options = page.locator('#options-1')
  await options.waitFor()
  const text = await options.innerText()
  assert.match(text, /The same item, ships sooner/)
  assert.match(text, /\d+ days sooner/)
  assert.match(text, /Same price/)
  assert.ok(!(await page.content()).includes('Bolt'), 'the other supplier stays unnamed')
  assert.ok(!(await page.content()).includes('Switch to Trailhead 2P Tent, green?'), 'no switch to the name already ordered')
  await screenshot(page, 'customer-options')
  // Click 1: pick (the same item comes first). Click 2: confirm.
  await options.getByRole('link', { name: /Choose this/ }).first().click()
  const confirm = options.locator('.confirm:not([hidden])')
  assert.ok(await confirm.isVisible())
  assert.equal(await confirm.getByRole('heading').innerText(), 'Get this item from stock we found elsewhere?')
  await assertAccessible(page, 'confirm panel')
  await confirm.getByRole('button', { name: 'Confirm', exact: true }).click()
  const status = page.getByRole('status')
  await status.filter({ hasText: 'from stock we found elsewhere' }).waitFor()
  assert.ok(!(await status.innerText()).includes('switched'), await status.innerText())
  await assertAccessible(page, 'after the switch')
  await screenshot(page, 'customer-switched')
  // The line's story keeps what came before the choice, then the choice itself.
  const story = (await page.locator('#line-1 section.timeline').textContent()) ?? ''
  assert.match(story, /Backordered[\s\S]*You chose the same item from stock we found elsewhere/, story)
  const rows = await db.query<{ choice: string; decided_by: string; channel: string; token_nonce: string | null }>(
    `SELECT c.choice, c.decided_by, c.channel, c.token_nonce FROM line_choices c JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id) WHERE o.order_number = 'W3001'`)
  assert.deepEqual(rows, [{ choice: 'switch', decided_by: 'customer', channel: 'page', token_nonce: null }])
  await ctx.close()
})

test("a message's signed link lands on the order with that line's options open, and answers once", async () => {
  const token = signChoiceToken(SECRET, { orderNumber: 'W3002', lineNo: 1, expiresAt: new Date('2026-12-04T00:00:00Z') })
  const ctx = await browser.context({ phone: true })
  const page = await ctx.newPage()
  await page.goto(`${base}/orders/W3002/choose?token=${encodeURIComponent(token)}`)
  await page.getByRole('heading', { name: 'Order W3002' }).waitFor()
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'options-1', 'the line\'s options have the focus')
  await assertAccessible(page, 'link landing')
  await screenshot(page, 'customer-link-landing')
  await page.locator('#options-1').getByRole('button', { name: 'Keep waiting' }).click()
  await page.getByRole('status').filter({ hasText: "we'll keep" }).waitFor()
  const rows = await db.query<{ choice: string; channel: string; has_nonce: boolean }>(
    `SELECT c.choice, c.channel, c.token_nonce IS NOT NULL AS has_nonce FROM line_choices c JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id) WHERE o.order_number = 'W3002'`)
  assert.deepEqual(rows, [{ choice: 'wait', channel: 'link', has_nonce: true }])
  assert.match(await page.locator('#line-1').innerText(), /You chose to wait/)
  // The same link again: spent, it is no pass to the order — the lookup form says so.
  await page.goto(`${base}/orders/W3002/choose?token=${encodeURIComponent(token)}`)
  assert.match(await page.getByRole('alert').innerText(), /already used/)
  assert.equal(await page.getByRole('heading', { name: 'Order W3002' }).count(), 0)
  await page.getByLabel('Order number').waitFor()
  await ctx.close()
})

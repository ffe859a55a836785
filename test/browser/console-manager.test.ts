/**
 * Issue 16, the manager's path on a phone and a desktop: every headline number says what it is
 * and opens the lines behind it, which add up to it (and to the worklist's filter); "answered
 * without a person" counts customer questions only; a Friday feed is one business day of silence
 * on Monday; every chart keeps its table and its colours are the colour-blind-safe set.
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
import { feed } from '../outreach/helpers.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { hashPassword } from '../../src/auth/password.ts'
import { upsertUser } from '../../src/store/users.ts'
import { recordContact } from '../../src/store/contacts.ts'
import { CHART_PALETTE } from '../../src/http/pages/console/palette.ts'
import { assertAccessible, launchBrowser, listen, screenshot, type Browser } from './kit.ts'

let db: Db
let app: FastifyInstance
let browser: Browser
let base: string
// Monday Nov 9 2026, 12:00 in New York; the last feeds came on Friday afternoon.
const NOW = new Date('2026-11-09T17:00:00Z')
const clock = new TestClock(NOW)
const PASSWORD = 'correct horse battery'

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  const calendar = await calendarFrom(db, { holidays: [] })
  const sweep = (at: string) => runSweep(db, { now: new Date(at), calendar, delayGraceDays: 1 })
  for (const [n, sku, supplierId] of [['M1', 'STOVE-1', 'ACME'], ['M2', 'TENT-2P-GRN', 'BOLT'], ['M3', 'TENT-2P-GRN', 'ACME'], ['M4', 'STOVE-1', 'ACME']]) {
    await seedOrder(db, { orderNumber: n, email: `${n.toLowerCase()}@example.com`, placedAt: '2026-11-02T15:00:00Z', lines: [{ lineNo: 1, sku, qty: 1, supplierId }] })
  }
  await sweep('2026-11-02T16:00:00Z')
  await feed(db, ['M1,1,,backordered,1,,,', 'M3,1,,backordered,1,,,', 'M4,1,,backordered,1,,,'], '2026-11-03T14:00:00Z', 'ACME')
  await feed(db, ['M2,1,,backordered,1,,,'], '2026-11-03T14:00:00Z', 'BOLT')
  await sweep('2026-11-03T15:00:00Z')
  // Friday 15:00 in New York: M3 back in stock, M4 shipped; BOLT's last word is Friday too.
  await feed(db, ['M3,1,,accepted,1,2026-11-12,,', 'M4,1,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-06T20:00:00Z', 'ACME')
  await feed(db, ['M2,1,,backordered,1,,,'], '2026-11-06T20:00:00Z', 'BOLT')
  await sweep('2026-11-06T21:00:00Z')
  await sweep(NOW.toISOString())
  // Three questions answered by the page, one that reached a person.
  for (const outcome of ['deflected', 'deflected', 'deflected', 'rep_task'] as const) {
    await recordContact(db, { channel: outcome === 'deflected' ? 'page' : 'voice', orderId: null, outcome, now: new Date('2026-11-09T15:00:00Z') })
  }
  await upsertUser(db, { email: 'ada@store.example', role: 'admin', passwordHash: await hashPassword(PASSWORD), now: NOW })
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: 'manager-test-secret-0123456789' } })
  base = await listen(app)
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await app?.close()
  await db?.close()
})

async function logIn(phone: boolean): Promise<Page> {
  const page = await (await browser.context({ phone })).newPage()
  await page.goto(`${base}/console`)
  await page.getByLabel('Email').fill('ada@store.example')
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(`${base}/console`)
  return page
}

for (const phone of [true, false]) {
  const device = phone ? 'phone' : 'desktop'

  test(`${device}: each headline number says what it is and opens the lines behind it, which add up`, async () => {
    const page = await logIn(phone)
    await page.goto(`${base}/console/dashboard`)
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    const terms = page.locator('dl.summary dt')
    const n = await terms.count()
    assert.ok(n >= 4, `headline numbers: ${n}`)
    for (const def of await page.locator('dl.summary dd.definition').allInnerTexts()) assert.ok(def.trim().length > 20, `a one-line definition: "${def}"`)
    assert.equal(await page.locator('dl.summary dd.definition').count(), n, 'every number has its definition')
    // Open backorders: M1 (ACME) and M2 (BOLT); M3 came back in stock, M4 shipped.
    const value = page.locator('dl.summary a[href="/console/lines?metric=open_backorders"]')
    assert.match(await value.innerText(), /^2/)
    const answered = await page.locator('dl.summary').innerText()
    assert.match(answered, /75% of 4/, 'questions answered without a person, not system tasks')
    await assertAccessible(page, `${device} dashboard`)
    await screenshot(page, `console-dashboard-${device}`)
    await value.click()
    await page.getByRole('heading', { name: /Open backorders/ }).waitFor()
    assert.match(await page.locator('#lines-total').innerText(), /^2 lines\./)
    const listed = await page.locator('table.metric-lines tbody tr').allInnerTexts()
    assert.deepEqual(listed.map((r) => /M\d/.exec(r)?.[0]).sort(), ['M1', 'M2'])
    await assertAccessible(page, `${device} lines behind a number`)
    await screenshot(page, `console-lines-${device}`)
    // The worklist's backorder filter lists the same two.
    await page.goto(`${base}/console?kind=backordered`)
    assert.match(await page.locator('p.count').innerText(), /^2 open tasks?/)
    await page.context().close()
  })

  test(`${device}: charts keep their tables and take the colour-blind-safe palette; silence is in business days`, async () => {
    const page = await logIn(phone)
    await page.goto(`${base}/console/dashboard`)
    const charts = await page.locator('figure.chart').count()
    const tables = await page.locator('figure.chart table[data-chart]').count()
    const empty = await page.locator('figure.chart p.empty').count()
    assert.equal(tables + empty, charts, 'each chart has its numbers as a table')
    const colours = await page.locator('figure.chart th[data-color]').evaluateAll((ths) => ths.map((t) => t.getAttribute('data-color')))
    assert.ok(colours.length > 0)
    for (const c of colours) assert.ok(CHART_PALETTE.includes(c!), `colour ${c} is in the Okabe–Ito set`)
    await page.goto(`${base}/console/suppliers`)
    const bolt = await page.locator('tr', { hasText: 'Bolt Distribution' }).innerText()
    // Friday 15:00 → Monday 12:00 is 21 hours of business days (Fri 15–24, Mon 0–12; the weekend does not count), never "3 days".
    assert.doesNotMatch(bolt, /3 days|\b(69|45) business hours/)
    assert.match(bolt, /\b21 business hours/)
    await assertAccessible(page, `${device} suppliers`)
    await screenshot(page, `console-suppliers-${device}`)
    await page.context().close()
  })
}

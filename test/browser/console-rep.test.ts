/**
 * The rep's paths through the console (issue 16, items 9–13), on the demo data, on a desktop and
 * a phone: search, a worklist that adds up, tasks that close themselves, delivery problems, and
 * an order page that speaks to the rep in the store's time.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { loadDemo } from '../../src/demo/load-demo.ts'
import { demoTestConfig } from '../helpers/demo-config.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { hashPassword } from '../../src/auth/password.ts'
import { upsertUser } from '../../src/store/users.ts'
import { assertAccessible, launchBrowser, listen, screenshot, type Browser } from './kit.ts'

let db: Db
let app: FastifyInstance
let browser: Browser
let base: string
const NOW = new Date('2026-11-27T15:00:00Z')
const PASSWORD = 'correct horse battery'

before(async () => {
  db = await freshDb()
  await loadDemo(db, { now: NOW, orders: 1000, config: demoTestConfig() })
  await runSweep(db, { now: NOW, calendar: await calendarFrom(db, { holidays: [] }), delayGraceDays: 1 })
  for (const email of ['rita@store.example', 'lee@store.example']) {
    await upsertUser(db, { email, role: 'rep', passwordHash: await hashPassword(PASSWORD), now: NOW })
  }
  app = await buildApp({ db, clock: new TestClock(NOW), config: { holidays: [], lookupRateLimit: 100, secret: 'browser-rep-secret-0123456789' } })
  base = await listen(app)
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await app?.close()
  await db?.close()
})

async function logIn(phone = false): Promise<Page> {
  const page = await (await browser.context({ phone })).newPage()
  await page.goto(`${base}/console`)
  await page.getByLabel('Email').fill('rita@store.example')
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('heading', { name: 'Worklist' }).waitFor()
  return page
}

/** On a phone, the page never scrolls sideways (wide tables scroll inside their own box). */
async function assertFitsPhone(page: Page, label: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 390, `${label}: the page is ${width} px wide on a 390 px phone`)
}

async function search(page: Page, text: string): Promise<void> {
  await page.getByRole('searchbox', { name: /Search orders/ }).fill(text)
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click()
  await page.waitForLoadState('domcontentloaded')
}

for (const phone of [false, true]) {
  const device = phone ? 'phone' : 'desktop'

  test(`${device}: one search box finds an order by its number as typed, by email, phone, name or postal code`, async () => {
    const [o] = await db.query<{ order_number: string; email: string; phone: string; name: string; postal_code: string }>(
      `SELECT o.order_number, c.email, c.phone, c.name, o.postal_code FROM orders o JOIN customers c USING (customer_id)
        WHERE c.phone IS NOT NULL ORDER BY o.order_id LIMIT 1`,
    )
    const page = await logIn(phone)
    await search(page, `  #${o.order_number.toLowerCase()} `)
    await page.getByRole('heading', { name: new RegExp(`^Order ${o.order_number}`) }).waitFor()
    // The phone typed another way than it is stored: its digits decide.
    const digits = o.phone.replace(/\D/g, '').slice(-10)
    for (const typed of [o.email.toUpperCase(), `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`]) {
      await search(page, typed)
      await page.getByRole('heading', { name: 'Search' }).waitFor()
      const found = await page.locator('table.search-results tbody td:first-child').allInnerTexts()
      assert.ok(found.includes(o.order_number), `${typed}: ${found.slice(0, 5).join(', ')}`)
    }
    // A name or a postal code is shared: every order listed has it.
    for (const [typed, column] of [[o.name.toLowerCase(), 2], [o.postal_code, 5]] as const) {
      await search(page, typed)
      await page.getByRole('heading', { name: 'Search' }).waitFor()
      const cells = await page.locator(`table.search-results tbody td:nth-child(${column})`).allInnerTexts()
      assert.ok(cells.length > 0 && cells.every((c) => c.toLowerCase() === typed.toLowerCase()), `${typed}: ${cells.slice(0, 5).join(', ')}`)
    }
    await assertAccessible(page, `search (${device})`)
    if (phone) await assertFitsPhone(page, 'search')
    await screenshot(page, `console-search-${device}`)
    await page.close()
  })
}

test('desktop: the worklist count is the tasks listed, page by page; an action keeps the filters; a task is assigned ("mine")', async () => {
  const page = await logIn()
  const total = Number(/(\d+) open tasks?/.exec(await page.locator('p.count').innerText())![1])
  const [{ open }] = await db.query<{ open: number }>(`SELECT count(*)::int AS open FROM tasks WHERE status = 'open'`)
  assert.equal(total, open)
  let listed = 0
  for (let p = 1; ; p++) {
    listed += await page.locator('table.worklist tbody tr').count()
    const next = page.getByRole('navigation', { name: 'Worklist pages' }).getByRole('link', { name: 'Next' })
    if ((await next.count()) === 0) break
    await next.click()
    await page.getByText(new RegExp(`Page ${p + 1} of`)).waitFor()
  }
  assert.equal(listed, total, 'every task on exactly one page')
  // Filter by kind, go to page 2, close a task there: back on page 2 of the same list.
  await page.goto(`${base}/console?kind=backordered&page=2`)
  const before = Number(/(\d+) open task/.exec(await page.locator('p.count').innerText())![1])
  await page.locator('table.worklist tbody tr').first().getByRole('button', { name: /Close/ }).click()
  await page.getByRole('status').filter({ hasText: 'Task closed.' }).waitFor()
  assert.match(page.url(), /\/console\?kind=backordered&page=2&done=task$/)
  assert.equal(await page.getByLabel('Kind').inputValue(), 'backordered')
  assert.match(await page.locator('p.count').innerText(), new RegExp(`^${before - 1} open task`))
  // Assign the first one to me, then list mine.
  const row = page.locator('table.worklist tbody tr').first()
  const title = await row.locator('.task-title').innerText()
  await row.getByRole('combobox', { name: /Assign task/ }).selectOption({ label: 'Me (rita@store.example)' })
  await row.getByRole('button', { name: /Assign/ }).click()
  await page.getByRole('status').filter({ hasText: 'Task assigned.' }).waitFor()
  await page.getByLabel('Assigned').selectOption('mine')
  await page.getByLabel('Kind').selectOption('')
  await page.getByRole('button', { name: 'Filter' }).click()
  await page.locator('p.count', { hasText: /^1 open task/ }).waitFor()
  assert.equal(await page.locator('table.worklist .task-title').innerText(), title)
  const ages = await page.locator('table.worklist tbody td:nth-child(5)').allInnerTexts()
  assert.ok(ages.every((a) => /^(\d+ min|\d+ h|\d+ d( \d+ h)?)$/.test(a)), ages.join(','))
  await assertAccessible(page, 'worklist')
  await screenshot(page, 'console-worklist-mine')
  const audit = await db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action IN ('task.close', 'task.assign') ORDER BY audit_id`)
  assert.deepEqual(audit.map((a) => a.action), ['task.close', 'task.assign'])
  await page.close()
})

test('desktop: the customer\'s answer, recorded by the rep, closes the backorder task, shown as closed by wismo', async () => {
  const [o] = await db.query<{ order_number: string; line_no: number }>(
    `SELECT o.order_number, l.line_no FROM tasks t JOIN order_lines l USING (order_line_id) JOIN orders o ON o.order_id = l.order_id
      WHERE t.kind = 'backordered' AND t.status = 'open' AND l.state = 'backordered' ORDER BY t.task_id LIMIT 1`,
  )
  const page = await logIn()
  await page.goto(`${base}/console/orders/${o.order_number}`)
  await page.getByLabel(`Customer's choice for line ${o.line_no}`).selectOption('wait')
  await page.locator('form.choice-form', { has: page.getByLabel(`Customer's choice for line ${o.line_no}`) }).getByRole('button', { name: 'Record choice' }).click()
  await page.getByRole('status').filter({ hasText: 'Choice recorded.' }).waitFor()
  const tasks = await page.locator('#tasks').innerText()
  assert.match(tasks, /closed \w{3} \d+, 2026, \d+:\d\d [AP]M E[SD]T by wismo\s+the customer chose to wait \(console\)/)
  await page.close()
})

for (const phone of [false, true]) {
  const device = phone ? 'phone' : 'desktop'
  test(`${device}: a delivery problem is worked from the order page — claim, then reship — audited, its task closed; times in store time`, async () => {
    const [o] = await db.query<{ order_number: string; line_no: number }>(
      `SELECT o.order_number, l.line_no FROM tasks t JOIN order_lines l USING (order_line_id) JOIN orders o ON o.order_id = l.order_id
        WHERE t.kind = 'carrier_exception' AND t.status = 'open' AND l.state = 'exception'
          AND NOT EXISTS (SELECT 1 FROM delivery_actions a WHERE a.order_line_id = l.order_line_id)
        ORDER BY t.task_id LIMIT 1`,
    )
    const page = await logIn(phone)
    await page.goto(`${base}/console/orders/${o.order_number}`)
    assert.match(await page.locator('p.headline').innerText(), /^A parcel of the customer's order has a delivery problem/)
    assert.doesNotMatch(await page.locator('main').innerText(), /\byour order\b/i)
    assert.match(await page.locator('#history').innerText(), /\w{3} \d+, 2026, \d+:\d\d [AP]M E[SD]T/)
    await assertAccessible(page, `order with a delivery problem (${device})`)
    if (phone) await assertFitsPhone(page, 'order page')
    await screenshot(page, `console-delivery-problem-${device}`)
    const delivery = page.locator('#delivery')
    await delivery.getByRole('button', { name: 'Open the claim' }).first().scrollIntoViewIfNeeded()
    await delivery.getByLabel('Claim number or note').first().fill('UPS claim 7731')
    await delivery.getByRole('button', { name: 'Open the claim' }).first().click()
    await page.getByRole('status').filter({ hasText: 'Carrier claim recorded.' }).waitFor()
    await page.locator('#delivery').getByRole('button', { name: /^Reship / }).first().click()
    await page.getByRole('status').filter({ hasText: 'Reship ordered' }).waitFor()
    const actions = await page.locator('#delivery').innerText()
    assert.match(actions, /claim[\s\S]*claim open[\s\S]*UPS claim 7731/)
    assert.match(actions, /reship[\s\S]*PO \S+-R1/)
    assert.match(await page.locator('#tasks').innerText(), /closed [\s\S]* by wismo\s+claim of/)
    assert.match(await page.locator('#audit').innerText(), /delivery\.reship[\s\S]*delivery\.claim/)
    const [doc] = await db.query<{ kind: string; reason: string }>(
      `SELECT d.kind, d.reason FROM purchasing_documents d JOIN order_lines l USING (order_line_id) JOIN orders o ON o.order_id = l.order_id
        WHERE o.order_number = $1 ORDER BY d.document_id DESC LIMIT 1`,
      [o.order_number],
    )
    assert.deepEqual(doc, { kind: '850', reason: 'reship' })
    await assertAccessible(page, `order after the delivery actions (${device})`)
    await screenshot(page, `console-delivery-actions-${device}`)
    await page.close()
  })
}

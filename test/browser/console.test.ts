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
import { recordContact } from '../../src/store/contacts.ts'
import { assertAccessible, launchBrowser, listen, screenshot, type Browser } from './kit.ts'

let db: Db
let app: FastifyInstance
let browser: Browser
let base: string
const NOW = new Date('2026-11-27T15:00:00Z')
const clock = new TestClock(NOW)
const PASSWORD = 'correct horse battery'

before(async () => {
  db = await freshDb()
  await loadDemo(db, { now: NOW, orders: 500, config: demoTestConfig() })
  await runSweep(db, { now: NOW, calendar: await calendarFrom(db, { holidays: [] }), delayGraceDays: 1 })
  for (const [email, role] of [['rita@store.example', 'rep'], ['lee@store.example', 'rep'], ['ada@store.example', 'admin']] as const) {
    await upsertUser(db, { email, role, passwordHash: await hashPassword(PASSWORD), now: NOW })
  }
  // A few answered lookups so the deflection chart has both sides.
  const [o] = await db.query<{ order_id: number }>('SELECT order_id FROM orders LIMIT 1')
  for (const channel of ['page', 'api', 'page'] as const) await recordContact(db, { channel, orderId: o.order_id, outcome: 'deflected', now: NOW })
  // One supplier's SFTP server whose host key changed (its transport stopped), one shared mailbox failing.
  const [sup] = await db.query<{ supplier_id: string }>('SELECT supplier_id FROM suppliers ORDER BY name LIMIT 1')
  await db.query(
    `INSERT INTO supplier_transports (supplier_id, kind, url, status, stopped_reason, created_at, updated_at, last_poll_at, last_file_at)
     VALUES ($1, 'sftp', 'sftp://wismo@edi.example.com:22/out', 'stopped', 'the server''s host key changed', $2, $2, $2, $2),
            (NULL, 'imap', 'imaps://feeds@store.example:993/INBOX', 'active', NULL, $2, $2, $2, NULL)`,
    [sup.supplier_id, NOW],
  )
  await db.query(`UPDATE supplier_transports SET failures = 3, last_error = 'connection refused' WHERE kind = 'imap'`)
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: 'browser-test-secret-0123456789' } })
  base = await listen(app)
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await app?.close()
  await db?.close()
})

async function logIn(page: Page, email: string, password: string) {
  await page.goto(`${base}/console`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
}

test('a wrong password is refused, and repeated failures lock the account out', async () => {
  const page = await (await browser.context()).newPage()
  await logIn(page, 'lee@store.example', 'not the password')
  assert.match(await page.getByRole('alert').innerText(), /Wrong email or password/)
  await assertAccessible(page, 'login')
  await screenshot(page, 'console-login-refused')
  for (let i = 0; i < 4; i++) await logIn(page, 'lee@store.example', `wrong ${i}`)
  assert.match(await page.getByRole('alert').innerText(), /locked/)
  await logIn(page, 'lee@store.example', PASSWORD)
  assert.match(await page.getByRole('alert').innerText(), /locked/, 'even the right password waits out the lockout')
  clock.set(new Date(NOW.getTime() + 16 * 60_000))
  await logIn(page, 'lee@store.example', PASSWORD)
  await page.getByRole('heading', { name: 'Worklist' }).waitFor()
  clock.set(NOW)
})

test('a rep logs in, works the queue, sees an order\'s whole story, and the actions are audited', async () => {
  const page = await (await browser.context()).newPage()
  await logIn(page, 'rita@store.example', PASSWORD)
  await page.getByRole('heading', { name: 'Worklist' }).waitFor()
  const rows = page.locator('table.worklist tbody tr')
  assert.ok((await rows.count()) > 0, 'the demo leaves open tasks')
  await assertAccessible(page, 'worklist')
  await screenshot(page, 'console-worklist')
  // Filter by kind: every row shown is of that kind.
  await page.getByLabel('Kind').selectOption('backordered')
  await page.getByRole('button', { name: 'Filter' }).click()
  const kinds = await page.locator('table.worklist tbody td:nth-child(2)').allInnerTexts()
  assert.ok(kinds.length > 0 && kinds.every((k) => k === 'backordered'), `kinds: ${kinds.join(',')}`)
  // Open the first order.
  await page.locator('table.worklist tbody a').first().click()
  await page.getByRole('heading', { name: /^Order / }).first().waitFor()
  for (const section of ['Lines', 'Supplier signals as received', 'State history', 'Messages sent', 'Tasks', 'Notes', 'Audit log', 'Delay-notice record']) {
    assert.ok(await page.getByRole('heading', { name: section, exact: true }).isVisible(), `section ${section}`)
  }
  const linesText = await page.locator('#lines').innerText()
  assert.match(linesText, /PO|W1/, 'POs on the rep view')
  // The raw file of a signal.
  const raw = page.locator('#signals a').first()
  const href = await raw.getAttribute('href')
  const rawRes = await page.request.get(`${base}${href}`)
  assert.equal(rawRes.status(), 200)
  assert.match(rawRes.headers()['content-type'], /text\/plain/)
  // Add a note, close a task: both land in the audit log with who did it.
  await page.getByRole('textbox', { name: 'Note' }).fill('Called the customer; they will wait.')
  await page.getByRole('button', { name: 'Add note' }).click()
  await page.getByRole('status').filter({ hasText: 'Note added.' }).waitFor()
  await page.locator('#tasks').getByRole('button', { name: /Close/ }).first().click()
  await page.getByRole('status').filter({ hasText: 'Task closed.' }).waitFor()
  // Record the customer's choice (told on the phone): wait.
  const choiceSelect = page.getByLabel(/Customer's choice for line/).first()
  await choiceSelect.selectOption('wait')
  await page.getByRole('button', { name: 'Record choice' }).first().click()
  await page.getByRole('status').filter({ hasText: 'Choice recorded.' }).waitFor()
  assert.match(await page.locator('#choices').innerText(), /wait[\s\S]*rep:rita@store\.example\s+console/)
  const audit = await page.locator('#audit').innerText()
  assert.match(audit, /rep:rita@store\.example\s+note\.add/)
  assert.match(audit, /task\.close/)
  assert.match(audit, /choice\.record/)
  await assertAccessible(page, 'console order')
  await screenshot(page, 'console-order')
  const logged = await db.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit_log WHERE action IN ('note.add', 'task.close', 'choice.record') ORDER BY audit_id`)
  assert.deepEqual(logged.map((r) => r.action), ['note.add', 'task.close', 'choice.record'])
  // The demo's own customers answered on their days (decided_by customer); the rep's is the one recorded here.
  const chosen = await db.query<{ decided_by: string; channel: string }>(`SELECT decided_by, channel FROM line_choices WHERE decided_by LIKE 'rep:%'`)
  assert.deepEqual(chosen, [{ decided_by: 'rep:rita@store.example', channel: 'console' }])
  assert.ok(logged.every((r) => r.actor === 'rep:rita@store.example'))
  // Supplier board.
  await page.getByRole('link', { name: 'Suppliers' }).click()
  await page.getByRole('heading', { name: 'Suppliers' }).waitFor()
  assert.ok((await page.locator('table.suppliers tbody tr').count()) >= 5)
  // Each transport's health: a stopped SFTP server says why; the shared mailbox says it is failing.
  await page.getByText("Stopped: the server's host key changed").waitFor()
  await page.getByText('Failing (3 in a row): connection refused').waitFor()
  assert.ok(await page.getByRole('heading', { name: 'Mailboxes' }).isVisible())
  await assertAccessible(page, 'suppliers')
  await screenshot(page, 'console-suppliers')
  // Logout ends the session.
  await page.getByRole('button', { name: 'Log out' }).click()
  await page.getByRole('status').filter({ hasText: 'You are logged out.' }).waitFor()
  await page.goto(`${base}/console/suppliers`)
  assert.ok(await page.getByRole('button', { name: 'Log in' }).isVisible())
})

test('the dashboard draws its charts from the demo data, each with its numbers as a table', async () => {
  const page = await (await browser.context()).newPage()
  await logIn(page, 'ada@store.example', PASSWORD)
  await page.goto(`${base}/console/dashboard`)
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
  const tables = await page.locator('table[data-chart]').count()
  assert.ok(tables >= 3, `tables with numbers: ${tables}`)
  await page.waitForFunction((n) => Number(document.documentElement.getAttribute('data-charts-drawn')) === n, tables)
  const backorders = await page.locator('#backorders-canvas').boundingBox()
  assert.ok(backorders && backorders.height > 100, 'the backorder chart is drawn')
  // The numbers stay in the page for screen readers.
  assert.ok(await page.getByRole('table', { name: /Open backorders by supplier: the numbers/ }).count() === 1)
  await assertAccessible(page, 'dashboard')
  await screenshot(page, 'console-dashboard')
})

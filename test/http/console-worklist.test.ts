import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { hashPassword } from '../../src/auth/password.ts'
import { upsertUser } from '../../src/store/users.ts'
import { openTask } from '../../src/store/tasks.ts'

let db: Db
let app: FastifyInstance
// Monday Nov 23 2026, 10:00 in New York.
const clock = new TestClock('2026-11-23T15:00:00Z')
let cookie = ''
let csrf = ''

async function logIn(email: string): Promise<{ cookie: string; csrf: string }> {
  const page = await app.inject({ url: '/console' })
  const loginCookie = String(([] as string[]).concat(page.headers['set-cookie'] as string[]).find((c) => c.startsWith('wismo_login_csrf='))).split(';')[0]
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const res = await app.inject({
    method: 'POST', url: '/console/login', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    payload: `email=${encodeURIComponent(email)}&password=a+long+password&_csrf=${token}`,
  })
  const session = String(([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('wismo_session='))).split(';')[0]
  const list = await app.inject({ url: '/console', headers: { cookie: session } })
  return { cookie: session, csrf: /name="_csrf" value="([^"]+)"/.exec(list.body)![1] }
}

const get = (url: string) => app.inject({ url, headers: { cookie } })
const post = (url: string, form: Record<string, string>) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, payload: new URLSearchParams({ ...form, _csrf: csrf }).toString() })
const rowsOf = (html: string) => [...html.matchAll(/<tr><td><span class="task-title">([^<]*)<\/span>/g)].map((m) => m[1])
const countOf = (html: string) => Number(/<p class="count">(\d+) open task/.exec(html)?.[1] ?? 0)

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  const orderId = await seedOrder(db, { orderNumber: 'W5001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
  // 70 backordered-kind tasks about ACME and 5 silent-supplier tasks about BOLT, opened over the past weeks.
  for (let i = 0; i < 70; i++) {
    await openTask(db, { kind: 'backordered', dedupeKey: `b:${i}`, title: `Backorder ${String(i).padStart(2, '0')}`, orderId, supplierId: 'ACME', now: new Date(Date.parse('2026-11-02T15:00:00Z') + i * 3_600_000) })
  }
  for (let i = 0; i < 5; i++) {
    await openTask(db, { kind: 'supplier_silent', dedupeKey: `s:${i}`, title: `Silent ${i}`, supplierId: 'BOLT', now: new Date('2026-11-23T14:00:00Z') })
  }
  // Friday Nov 20, 16:00 in New York: on Monday at 10:00 it is 3 business hours old (16–18, then 9–10).
  await openTask(db, { kind: 'delayed', dedupeKey: 'friday', title: 'Opened on Friday afternoon', orderId, now: new Date('2026-11-20T21:00:00Z') })
  for (const email of ['rita@store.example', 'lee@store.example']) {
    await upsertUser(db, { email, role: 'rep', passwordHash: await hashPassword('a long password'), now: clock.now() })
  }
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: 'worklist-test-secret-0123456789' } })
  ;({ cookie, csrf } = await logIn('rita@store.example'))
})
after(async () => {
  await app.close()
  await db.close()
})

test('the count shown is the number of tasks listed, page by page, and each kind\'s count is what choosing it lists', async () => {
  const first = await get('/console')
  assert.equal(countOf(first.body), 76)
  assert.match(first.body, /All kinds \(76\)/)
  assert.equal(rowsOf(first.body).length, 50)
  assert.match(first.body, /Page 1 of 2/)
  const second = await get('/console?page=2')
  assert.equal(rowsOf(second.body).length, 26)
  assert.equal(new Set([...rowsOf(first.body), ...rowsOf(second.body)]).size, 76, 'no task on two pages, none missing')
  for (const [kind, n] of [['backordered', 70], ['supplier_silent', 5], ['delayed', 1]] as const) {
    assert.match(first.body, new RegExp(`${kind.replace('_', ' ')} \\(${n}\\)`))
    const page = await get(`/console?kind=${kind}`)
    assert.equal(countOf(page.body), n, kind)
  }
  // Under a supplier filter the kinds count only that supplier's tasks.
  const bolt = await get('/console?supplier=BOLT')
  assert.equal(countOf(bolt.body), 5)
  assert.match(bolt.body, /All kinds \(5\)/)
  assert.equal(rowsOf(bolt.body).length, 5)
})

test('ages count business hours in the store\'s zone: Friday 16:00 is 3 h old on Monday 10:00 (9–18)', async () => {
  const page = await get('/console?kind=delayed')
  assert.match(page.body, /title="opened Nov 20, 2026, 4:00 PM EST">3 h<\/time>/)
  // "1 business day or more" (9 working hours) leaves it out; the three-week-old backorders stay.
  assert.equal(countOf((await get('/console?age=1')).body), 70)
})

test('closing a task from page 2 of a filtered list comes back to that page of that list, and is audited', async () => {
  const page = await get('/console?kind=backordered&page=2')
  const id = /action="\/console\/tasks\/(\d+)\/close"/.exec(page.body)![1]
  const back = /name="back" value="([^"]+)"/.exec(page.body)![1].replace(/&amp;/g, '&')
  assert.equal(back, '/console?kind=backordered&page=2')
  const res = await post(`/console/tasks/${id}/close`, { back })
  assert.equal(res.statusCode, 303)
  assert.equal(res.headers.location, '/console?kind=backordered&page=2&done=task')
  const after = await get(res.headers.location as string)
  assert.match(after.body, /Task closed\./)
  assert.equal(countOf(after.body), 69)
  const [t] = await db.query<{ closed_by: string }>('SELECT closed_by FROM tasks WHERE task_id = $1', [id])
  assert.equal(t.closed_by, 'rep:rita@store.example')
  // A "back" that is not a console page is never followed.
  const evil = await post(`/console/tasks/${Number(id) + 1}/close`, { back: 'https://evil.example/console' })
  assert.equal(evil.headers.location, '/console?done=task')
})

test('a task is assigned to a rep, listed under "mine", unassigned again — each change audited', async () => {
  const page = await get('/console?kind=supplier_silent')
  const id = /action="\/console\/tasks\/(\d+)\/assign"/.exec(page.body)![1]
  const [rita] = await db.query<{ user_id: number }>(`SELECT user_id FROM users WHERE email = 'rita@store.example'`)
  const [lee] = await db.query<{ user_id: number }>(`SELECT user_id FROM users WHERE email = 'lee@store.example'`)
  const mine = await post(`/console/tasks/${id}/assign`, { assignee: String(rita.user_id), back: '/console?kind=supplier_silent' })
  assert.equal(mine.headers.location, '/console?kind=supplier_silent&done=assign')
  const listed = await get('/console?assigned=mine')
  assert.equal(countOf(listed.body), 1)
  assert.deepEqual(rowsOf(listed.body).length, 1)
  const open = countOf((await get('/console')).body)
  assert.equal(countOf((await get('/console?assigned=unassigned')).body), open - 1)
  await post(`/console/tasks/${id}/assign`, { assignee: String(lee.user_id), back: '/console' })
  assert.equal(countOf((await get('/console?assigned=mine')).body), 0, 'now Lee\'s')
  await post(`/console/tasks/${id}/assign`, { assignee: '', back: '/console' })
  const audit = await db.query<{ action: string; detail: { from: string | null; to: string | null } }>(
    `SELECT action, detail FROM audit_log WHERE action LIKE 'task.%assign' ORDER BY audit_id`,
  )
  assert.deepEqual(audit.map((a) => [a.action, a.detail.from, a.detail.to]), [
    ['task.assign', null, 'rita@store.example'], ['task.assign', 'rita@store.example', 'lee@store.example'], ['task.unassign', 'lee@store.example', null],
  ])
  const refused = await post(`/console/tasks/${id}/assign`, { assignee: '999999', back: '/console' })
  assert.equal(refused.headers.location, '/console?error=assign')
})

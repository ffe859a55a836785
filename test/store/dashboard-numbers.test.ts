import { test, before, after, describe } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { feed } from '../outreach/helpers.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { recordContact } from '../../src/store/contacts.ts'
import { listWorklist, worklistFacets } from '../../src/store/worklist.ts'
import { loadDashboard } from '../../src/http/pages/console/dashboard.ts'
import { listMetricLines } from '../../src/store/metric-lines.ts'
import { customerQuestions } from '../../src/store/customer-questions.ts'

const TZ = 'America/New_York'
const NOW = new Date('2026-11-05T17:00:00Z') // Thursday, 12:00 in New York
const sweep = (at: string) => runSweep(db, { now: new Date(at), calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })
const total = (values: number[]) => values.reduce((a, b) => a + b, 0)

let db: Db
before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  for (const [n, sku, supplierId] of [['D1', 'STOVE-1', 'ACME'], ['D2', 'TENT-2P-GRN', 'BOLT'], ['D3', 'TENT-2P-GRN', 'ACME'], ['D4', 'STOVE-1', 'ACME']]) {
    await seedOrder(db, { orderNumber: n, email: `${n.toLowerCase()}@example.com`, placedAt: '2026-11-02T15:00:00Z', lines: [{ lineNo: 1, sku, qty: 1, supplierId }] })
  }
  await sweep('2026-11-02T16:00:00Z')
  // Tuesday: all four backordered. Wednesday: D3 back in stock, D4 shipped. D1 and D2 still wait.
  await feed(db, ['D1,1,,backordered,1,,,', 'D3,1,,backordered,1,,,', 'D4,1,,backordered,1,,,'], '2026-11-03T14:00:00Z', 'ACME')
  await feed(db, ['D2,1,,backordered,1,,,'], '2026-11-03T14:00:00Z', 'BOLT')
  await sweep('2026-11-03T15:00:00Z')
  await feed(db, ['D3,1,,accepted,1,2026-11-09,,', 'D4,1,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-04T14:00:00Z', 'ACME')
  await sweep('2026-11-04T15:00:00Z')
  await sweep(NOW.toISOString())
})
after(() => db.close())

describe('"open backorders" has one definition, and every number of it agrees', () => {
  test('headline = the chart\'s last day = the aging chart\'s sum = the lines listed = the worklist\'s backorder filter', async () => {
    const d = await loadDashboard(db, NOW, TZ)
    const headline = d.summary.find((s) => s.id === 'open_backorders')!
    assert.equal(headline.value, '2')
    assert.match(headline.definition, /backordered/)
    assert.equal(headline.href, '/console/lines?metric=open_backorders')
    const bySupplier = d.charts.find((c) => c.id === 'backorders')!.table
    const last = bySupplier.labels.length - 1
    assert.equal(bySupplier.labels[last], '2026-11-05')
    assert.equal(total(bySupplier.series.map((s) => s.values[last])), 2)
    // Day by day as wismo knew it: four on Tuesday, two since Wednesday, none before.
    const day = (label: string) => total(bySupplier.series.map((s) => s.values[bySupplier.labels.indexOf(label)]))
    assert.deepEqual(['2026-11-02', '2026-11-03', '2026-11-04'].map(day), [0, 4, 2])
    const aging = d.charts.find((c) => c.id === 'aging')!.table
    assert.equal(total(aging.series.flatMap((s) => s.values)), 2)
    const listed = await listMetricLines(db, 'open_backorders', { now: NOW, timeZone: TZ })
    assert.equal(listed.total, 2)
    assert.deepEqual(listed.rows.map((r) => r.orderNumber).sort(), ['D1', 'D2'])
    const tasks = (await listWorklist(db, { kind: 'backordered', now: NOW }, { userId: 0 })).rows
    assert.deepEqual(tasks.map((t) => t.orderNumber).sort(), ['D1', 'D2'])
    // The worklist's own count of the kind, shown beside its filter, is the same number.
    const facets = await worklistFacets(db, { now: NOW }, 0)
    assert.equal(facets.kinds.find((k) => k.kind === 'backordered')?.count ?? 0, 2)
  })

  test('a line cancelled by the customer leaves the count at once, before the next sweep', async () => {
    await db.query(
      `INSERT INTO line_state_history (order_line_id, state, changed_at, cause)
       SELECT l.order_line_id, 'cancelled', $1, 'test' FROM order_lines l JOIN orders o USING (order_id) WHERE o.order_number = 'D2'`,
      [new Date(NOW.getTime() + 60_000)],
    )
    const later = new Date(NOW.getTime() + 120_000)
    const d = await loadDashboard(db, later, TZ)
    assert.equal(d.summary.find((s) => s.id === 'open_backorders')!.value, '1')
    assert.equal((await listMetricLines(db, 'open_backorders', { now: later, timeZone: TZ })).total, 1)
    assert.deepEqual((await listWorklist(db, { kind: 'backordered', now: later }, { userId: 0 })).rows.map((t) => t.orderNumber), ['D1'])
  })

  test('each headline number says what it is and links to what is behind it', async () => {
    const d = await loadDashboard(db, NOW, TZ)
    for (const s of d.summary) {
      assert.ok(s.definition.length > 20, `${s.id} has a definition`)
      assert.match(s.href, /^\/console\/(lines\?metric=|questions)/, `${s.id} links to its list`)
    }
  })
})

describe('"answered without a person" counts customer questions, never tasks the system opened', () => {
  test('a hand-computed case: 6 of 8 questions answered without a person', async () => {
    const at = (s: string) => new Date(s)
    const c = (channel: 'page' | 'api' | 'voice' | 'sms' | 'helpdesk', outcome: 'deflected' | 'rep_task', when: string) =>
      recordContact(db, { channel, orderId: null, outcome, now: at(when) })
    await c('page', 'deflected', '2026-11-03T15:00:00Z')
    await c('page', 'deflected', '2026-11-04T15:00:00Z')
    await c('page', 'deflected', '2026-11-05T03:00:00Z') // 22:00 on the 4th in New York
    await c('api', 'deflected', '2026-11-04T16:00:00Z')
    await c('voice', 'deflected', '2026-11-04T17:00:00Z') // heard the status and hung up
    await c('voice', 'rep_task', '2026-11-04T18:00:00Z') // pressed 0 for a person
    await c('sms', 'deflected', '2026-11-05T14:00:00Z')
    await c('helpdesk', 'rep_task', '2026-11-05T15:00:00Z') // a ticket a rep looked up
    await c('page', 'deflected', '2026-09-20T15:00:00Z') // outside the 30 days
    const systemTasks = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks`)
    assert.ok(systemTasks[0].n >= 4, 'the sweeps opened tasks of their own; they must not count')
    const q = await customerQuestions(db, NOW, TZ)
    assert.deepEqual({ answered: q.answered, reachedPerson: q.reachedPerson }, { answered: 6, reachedPerson: 2 })
    const d = await loadDashboard(db, NOW, TZ)
    const s = d.summary.find((x) => x.id === 'answered_without_person')!
    assert.equal(s.value, '75% of 8')
    assert.match(s.definition, /reached a person/)
    const chart = d.charts.find((x) => x.id === 'deflection')!.table
    const sum = (pick: (name: string) => boolean) => total(chart.series.filter((x) => pick(x.name)).flatMap((x) => x.values))
    assert.equal(sum((n) => n.startsWith('answered')), 6)
    assert.equal(sum((n) => n === 'reached a person'), 2)
    assert.ok(!chart.series.some((x) => /task/.test(x.name)), 'no series of system tasks')
    // Days are the store's: the 03:00Z lookup is on the 4th.
    const page = chart.series.find((x) => x.name === 'answered: order page')!
    assert.equal(page.values[chart.labels.indexOf('2026-11-04')], 2)
  })
})

describe('the pages: each figure defined and linked, the list behind it, charts in the Okabe–Ito palette with their tables', () => {
  test('dashboard, lines list and questions list agree with each other', async () => {
    const { buildApp } = await import('../../src/http/app.ts')
    const { TestClock } = await import('../../src/clock.ts')
    const { upsertUser } = await import('../../src/store/users.ts')
    const { createSession } = await import('../../src/store/sessions.ts')
    const { CHART_PALETTE } = await import('../../src/http/pages/console/palette.ts')
    const clock = new TestClock(new Date(NOW.getTime() + 180_000))
    await upsertUser(db, { email: 'ada@store.example', role: 'admin', passwordHash: 'x', now: NOW })
    const [u] = await db.query<{ user_id: number }>(`SELECT user_id FROM users WHERE email = 'ada@store.example'`)
    const { token } = await createSession(db, u.user_id, clock.now())
    const app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: 'dashboard-test-secret-0123456789' } })
    try {
      const get = async (url: string) => (await app.inject({ url, headers: { cookie: `wismo_session=${token}` } })).body
      const page = await get('/console/dashboard')
      // Every headline figure links to its list and says what it is.
      const figures = [...page.matchAll(/<div id="figure-([a-z_]+)"><dt>[^<]+<\/dt><dd><a href="([^"]+)">([^<]+)</g)]
      assert.deepEqual(figures.map((f) => f[1]), ['open_backorders', 'open_lines', 'answered_without_person', 'notices_on_time'])
      assert.equal((page.match(/class="definition small"/g) ?? []).length, 4)
      const backorders = figures.find((f) => f[1] === 'open_backorders')!
      const list = await get(backorders[2].replace(/&amp;/g, '&'))
      assert.match(list, new RegExp(`id="lines-total">${backorders[3]} lines?\\.`))
      assert.equal((list.match(/<tr><th scope="row"><a href="\/console\/orders\//g) ?? []).length, Number(backorders[3]))
      const questions = await get('/console/questions')
      assert.match(questions, /id="questions-total">8 questions/)
      // Every chart keeps its table of numbers, every series' colour is from the palette.
      const figuresHtml = page.split('<figure class="chart"').slice(1)
      assert.equal(figuresHtml.length, 6, 'five charts and the stated dates kept (accuracy)')
      for (const f of figuresHtml) assert.ok(/<table class="grid" data-chart=/.test(f) || /No data yet/.test(f), 'a chart without its table')
      assert.ok((page.match(/<table class="grid" data-chart=/g) ?? []).length >= 3)
      const colours = [...page.matchAll(/data-color="([^"]+)"/g)].map((m) => m[1])
      assert.ok(colours.length >= 8, `colours: ${colours.length}`)
      for (const c of colours) assert.ok(CHART_PALETTE.includes(c), `${c} is an Okabe–Ito colour`)
      assert.match(page, /data-color="#D55E00"><span class="swatch" aria-hidden="true"><\/span>reached a person</, 'a meaning keeps its colour')
      assert.equal((await app.inject({ url: '/console/lines?metric=nope', headers: { cookie: `wismo_session=${token}` } })).statusCode, 404)
    } finally {
      await app.close()
    }
  })
})

/**
 * A choice link decides once (DESIGN.md "single use per decision"): once used it is no pass to the
 * order (a line decided another way keeps its link: the customer's answer is always taken). Its landing shows the lookup form
 * and sets no cookie, so it cannot open the order or decide another line.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { signChoiceToken, choiceTokenExpiry } from '../../src/choices/choice-token.ts'
import { recordChoice } from '../../src/choices/record-choice.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { NOW, seedAlternatives, snapshotCounts } from './fixture.ts'

const secret = 'used-link-test-secret-0123456789'

/** Both lines of W100 backordered, so each has a choice to make. */
async function backorderBoth(db: Db): Promise<void> {
  const at = new Date('2026-03-03T12:00:00Z')
  const csv = 'po_number,po_line,sku,status,qty,expected_ship_date\nW100,1,TENT-2P-GRN,backordered,2,2026-04-20\nW100,2,STOVE-1,backordered,1,2026-04-20\n'
  const r = await ingestSupplierFeed(db, { body: Buffer.from(csv), filename: 'acme.csv', supplierId: 'ACME', source: 'cli', receivedAt: at })
  assert.equal(r.outcome, 'applied')
  await runSweep(db, { now: at, calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })
}

const cookies = (res: { headers: Record<string, unknown> }) => ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? [])
const orderCookie = (res: { headers: Record<string, unknown> }) => cookies(res).find((c) => c.startsWith('wismo_order=')) ?? null

async function setUp(): Promise<{ db: Db; app: FastifyInstance; clock: TestClock }> {
  const db = await freshDb()
  const clock = new TestClock(NOW)
  const app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret } })
  await seedAlternatives(db)
  await backorderBoth(db)
  return { db, app, clock }
}

const landing = (app: FastifyInstance, token: string) => app.inject({ url: `/orders/W100/choose?token=${encodeURIComponent(token)}` })

test('a used link lands on the lookup form, sets no cookie, and opens neither the order nor another line', async () => {
  const { db, app } = await setUp()
  try {
    const token = signChoiceToken(secret, { orderNumber: 'W100', lineNo: 1, expiresAt: choiceTokenExpiry(NOW) })
    const fresh = await landing(app, token)
    assert.equal(fresh.statusCode, 200)
    assert.match(fresh.body, /<h1>Order W100<\/h1>/)
    const used = await app.inject({ method: 'POST', url: '/api/orders/W100/lines/1/choice', payload: { token, choice: 'wait' } })
    assert.equal(used.statusCode, 200, used.body)
    const before = await snapshotCounts(db)

    const again = await landing(app, token)
    assert.equal(again.statusCode, 400)
    assert.doesNotMatch(again.body, /<h1>Order/)
    assert.match(again.body, /already used/)
    assert.equal(orderCookie(again), null, 'a used link sets no lookup cookie')
    const page = await app.inject({ url: `/orders/W100?token=${encodeURIComponent(token)}` })
    assert.doesNotMatch(page.body, /<h1>Order/, 'nor does it show the order page')
    // The attack: the used link's token posted for the other line, with or without the old cookie.
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const post = await app.inject({
      method: 'POST', url: '/orders/W100/lines/2/choice', headers: form, payload: `choice=cancel&token=${encodeURIComponent(token)}`,
    })
    assert.equal(post.statusCode, 403)
    const postSameLine = await app.inject({
      method: 'POST', url: '/orders/W100/lines/1/choice', headers: form, payload: `choice=cancel&token=${encodeURIComponent(token)}`,
    })
    assert.equal(postSameLine.statusCode, 403)
    assert.doesNotMatch(postSameLine.body, /<h1>Order/, 'a refusal of a used link shows no order either')
    assert.equal(await snapshotCounts(db), before)
  } finally {
    await app.close()
    await db.close()
  }
})

test('a link whose line was decided another way still answers (a wait by phone, then cancel); an expired or tampered one sets nothing', async () => {
  const { db, app, clock } = await setUp()
  try {
    const token = signChoiceToken(secret, { orderNumber: 'W100', lineNo: 1, expiresAt: choiceTokenExpiry(NOW) })
    const line2 = signChoiceToken(secret, { orderNumber: 'W100', lineNo: 2, expiresAt: choiceTokenExpiry(NOW) })
    // The customer chose on the phone an hour after the email went out.
    clock.advance(3_600_000)
    await recordChoice(db, { orderNumber: 'W100', lineNo: 1, choice: 'wait', decidedBy: 'customer', channel: 'voice', now: clock.now() })
    const res = await landing(app, token)
    assert.equal(res.statusCode, 200)
    // The customer may still cancel at any time before it ships (16 CFR 435.2(b)(1)), through the email's link.
    const post = await app.inject({ method: 'POST', url: '/api/orders/W100/lines/1/choice', payload: { token, choice: 'cancel' } })
    assert.equal(post.statusCode, 200, post.body)
    // Used now: the same link opens nothing more.
    const again = await landing(app, token)
    assert.equal(again.statusCode, 400)
    assert.equal(orderCookie(again), null)
    // The other line's link is still good: one decision per line.
    const other = await landing(app, line2)
    assert.equal(other.statusCode, 200)
    assert.ok(orderCookie(other))

    const expired = signChoiceToken(secret, { orderNumber: 'W100', lineNo: 2, expiresAt: new Date(clock.now().getTime() - 1000) })
    for (const t of [expired, `${line2}x`, line2.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'))]) {
      const r = await landing(app, t)
      assert.equal(r.statusCode, 400)
      assert.doesNotMatch(r.body, /<h1>Order/)
      assert.deepEqual(cookies(r).filter((c) => c.startsWith('wismo_order=')), [])
    }

    // A renewed notice made after that decision carries a new link, which is not used.
    clock.advance(86_400_000)
    const renewed = signChoiceToken(secret, { orderNumber: 'W100', lineNo: 1, expiresAt: choiceTokenExpiry(clock.now()) })
    assert.equal((await landing(app, renewed)).statusCode, 200)
  } finally {
    await app.close()
    await db.close()
  }
})

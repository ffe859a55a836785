/**
 * `GET /l/{code}`, the short links of an email's text part: a 302 to the long signed choice URL,
 * which keeps all of the link's rules (single use per decision, expiry); an unknown, expired or
 * malformed code is one and the same 404 page.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { signChoiceToken, choiceTokenExpiry } from '../../src/choices/choice-token.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { shortCode } from '../../src/outreach/short-link.ts'
import { saveShortLinks } from '../../src/store/short-links.ts'
import { NOW, seedAlternatives } from '../choices/fixture.ts'

const secret = 'short-link-test-secret-0123456789'

async function setUp(): Promise<{ db: Db; app: FastifyInstance; clock: TestClock }> {
  const db = await freshDb()
  const clock = new TestClock(NOW)
  const app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret } })
  await seedAlternatives(db)
  const at = new Date('2026-03-03T12:00:00Z')
  const csv = 'po_number,po_line,sku,status,qty,expected_ship_date\nW100,1,TENT-2P-GRN,backordered,2,2026-04-20\n'
  await ingestSupplierFeed(db, { body: Buffer.from(csv), filename: 'acme.csv', supplierId: 'ACME', source: 'cli', receivedAt: at })
  await runSweep(db, { now: at, calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })
  return { db, app, clock }
}

/** A message's cancel link for line 1 of W100, stored short as outreach stores it. */
async function cancelLink(db: Db): Promise<{ code: string; url: string; token: string; expiresAt: Date }> {
  const expiresAt = choiceTokenExpiry(NOW)
  const token = signChoiceToken(secret, { orderNumber: 'W100', lineNo: 1, expiresAt })
  const url = `http://localhost/orders/W100/choose?token=${encodeURIComponent(token)}&pick=cancel`
  const code = shortCode(secret, url)
  await saveShortLinks(db, [{ code, url, expiresAt }], NOW)
  await saveShortLinks(db, [{ code, url, expiresAt }], NOW) // the same message composed again: one row
  return { code, url, token, expiresAt }
}

const pathOf = (url: string) => { const u = new URL(url); return `${u.pathname}${u.search}` }

test('a short link redirects to its signed link, which opens the pick and stays single use', async () => {
  const { db, app } = await setUp()
  try {
    const { code, url, token } = await cancelLink(db)
    assert.match(code, /^[A-Za-z0-9_-]{16}$/, '96 bits, 16 characters')
    assert.equal((await db.query('SELECT 1 FROM short_links')).length, 1)
    const hop = await app.inject({ url: `/l/${code}` })
    assert.equal(hop.statusCode, 302)
    assert.equal(hop.headers.location, url)
    assert.equal(hop.headers['cache-control'], 'no-store')
    assert.equal(hop.headers['set-cookie'], undefined, 'the redirect itself grants nothing')
    // The signed link opens line 1 with the cancel confirmation already open.
    const page = await app.inject({ url: pathOf(url) })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /<div class="confirm" id="confirm-1-cancel" tabindex="-1"/)
    const decided = await app.inject({ method: 'POST', url: '/orders/W100/lines/1/choice', payload: { choice: 'cancel', token } })
    assert.equal(decided.statusCode, 303, decided.body)
    // Used: the short link still leads to the signed link, and the signed link refuses a second decision.
    const again = await app.inject({ url: `/l/${code}` })
    assert.equal(again.statusCode, 302)
    const used = await app.inject({ url: pathOf(again.headers.location as string) })
    assert.equal(used.statusCode, 400)
    assert.match(used.body, /already used/)
  } finally {
    await app.close()
    await db.close()
  }
})

test('an unknown, an expired and a malformed code get the same 404 page', async () => {
  const { db, app, clock } = await setUp()
  try {
    const { code, expiresAt } = await cancelLink(db)
    const unknown = await app.inject({ url: `/l/${randomBytes(12).toString('base64url')}` })
    const malformed = await app.inject({ url: '/l/not-a-code' })
    clock.set(expiresAt)
    const expired = await app.inject({ url: `/l/${code}` })
    for (const r of [unknown, malformed, expired]) {
      assert.equal(r.statusCode, 404)
      assert.equal(r.headers.location, undefined)
      assert.match(r.body, /That link has expired or is not valid any more/)
    }
    assert.equal(expired.body, unknown.body)
    assert.equal(malformed.body, unknown.body)
    // The next message's links prune the expired row.
    await saveShortLinks(db, [{ code: 'AAAAAAAAAAAAAAAA', url: 'http://localhost/orders/W100', expiresAt: new Date(expiresAt.getTime() + 86_400_000) }], clock.now())
    assert.deepEqual((await db.query<{ code: string }>('SELECT code FROM short_links')).map((r) => r.code), ['AAAAAAAAAAAAAAAA'])
  } finally {
    await app.close()
    await db.close()
  }
})

/**
 * Issue 15 item 1: with WISMO_SECRET unset, wismo signed links and cookies with a constant from
 * its source, so anyone could forge them. The app built without a secret must sign with the one
 * kept for its database: what the old constant signs is refused, what the kept secret signs works.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { sign as signCookie } from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { choiceTokenExpiry, signChoiceToken } from '../../src/choices/choice-token.ts'
import { signUnsubscribeToken } from '../../src/outreach/unsubscribe-token.ts'
import { signingSecret } from '../../src/store/secret.ts'

const OLD_CONSTANT = 'wismo-development-secret-change-me'
const clock = new TestClock('2026-11-20T15:00:00Z')
let db: Db
let app: FastifyInstance
let customerId: number

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W7001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
  ;[{ customer_id: customerId }] = await db.query<{ customer_id: number }>('SELECT customer_id FROM customers')
  // No secret in the configuration: what `wismo serve` gets with WISMO_SECRET unset.
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100 } })
})
after(async () => {
  await app.close()
  await db.close()
})

const choiceLink = (secret: string) =>
  signChoiceToken(secret, { orderNumber: 'W7001', lineNo: 1, expiresAt: choiceTokenExpiry(clock.now()) })
const orderCookie = (secret: string) => `wismo_order=${encodeURIComponent(signCookie(`${clock.now().getTime() + 600_000}|W7001`, secret))}`
const optedOut = async () => (await db.query<{ opted_out_at: Date | null }>('SELECT opted_out_at FROM customers WHERE customer_id = $1', [customerId]))[0].opted_out_at
const unsubscribe = (token: string) =>
  app.inject({ method: 'POST', url: `/unsubscribe?token=${encodeURIComponent(token)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })

test('a choice link signed with the old constant shows nothing and records nothing', async () => {
  const forged = choiceLink(OLD_CONSTANT)
  const landing = await app.inject({ url: `/orders/W7001/choose?token=${encodeURIComponent(forged)}` })
  assert.equal(landing.statusCode, 400)
  assert.doesNotMatch(landing.body, /<h1>Order W7001/)
  assert.equal(landing.headers['set-cookie'], undefined)
  const post = await app.inject({ method: 'POST', url: '/api/orders/W7001/lines/1/choice', payload: { token: forged, choice: 'cancel' } })
  assert.equal(post.statusCode, 403, post.body)
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM line_choices')
  assert.equal(n, 0)
  // The kept secret's link works: the check above is not refusing everything.
  const real = await app.inject({ url: `/orders/W7001/choose?token=${encodeURIComponent(choiceLink(await signingSecret(db)))}` })
  assert.equal(real.statusCode, 200)
  assert.match(real.body, /<h1>Order W7001/)
})

test('a lookup cookie signed with the old constant shows nothing', async () => {
  const forged = await app.inject({ url: '/orders/W7001', headers: { cookie: orderCookie(OLD_CONSTANT) } })
  assert.doesNotMatch(forged.body, /<h1>Order W7001/)
  const real = await app.inject({ url: '/orders/W7001', headers: { cookie: orderCookie(await signingSecret(db)) } })
  assert.match(real.body, /<h1>Order W7001/)
})

test('an unsubscribe token signed with the old constant opts nobody out', async () => {
  const forged = signUnsubscribeToken(customerId, OLD_CONSTANT)
  assert.equal((await app.inject({ url: `/unsubscribe?token=${encodeURIComponent(forged)}` })).statusCode, 400)
  assert.equal((await unsubscribe(forged)).statusCode, 400)
  assert.equal(await optedOut(), null)
  const real = await unsubscribe(signUnsubscribeToken(customerId, await signingSecret(db)))
  assert.equal(real.statusCode, 200)
  assert.notEqual(await optedOut(), null)
})

/**
 * The per-order lock-out as a weapon (issue 15, item 7): failures count per client too, in one
 * count across the page's lookup, the API's and the choice POST; a throttled client's guesses lock
 * no order; and a customer holding a lookup cookie or a valid signed link gets through a lock-out.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { signChoiceToken, choiceTokenExpiry } from '../../src/choices/choice-token.ts'

const secret = 'lookup-weapon-secret-0123456789'
let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-20T15:00:00Z')
let n = 0
const someone = () => `192.0.2.${++n}`
const ORDERS = ['W5001', 'W5002', 'W5003', 'W5004', 'W5005', 'W5006', 'W5007', 'W5008', 'W5009', 'W5010']

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  for (const orderNumber of ORDERS) {
    await seedOrder(db, {
      orderNumber, email: `${orderNumber.toLowerCase()}@example.com`, postalCode: '30301', placedAt: '2026-11-16T10:00:00Z',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }],
    })
  }
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 1000, secret } })
})
after(async () => {
  await app.close()
  await db.close()
})

const form = { 'content-type': 'application/x-www-form-urlencoded' }
const api = (client: string, order: string, query: string) => app.inject({ url: `/api/orders/${order}/status?${query}`, remoteAddress: client })
const page = (client: string, order: string, postal: string, extra: { cookie?: string; token?: string } = {}) => app.inject({
  method: 'POST', url: '/lookup', remoteAddress: client, headers: { ...form, ...(extra.cookie ? { cookie: extra.cookie } : {}) },
  payload: new URLSearchParams({ order_number: order, postal_code: postal, ...(extra.token ? { token: extra.token } : {}) }).toString(),
})
const choice = (client: string, order: string) => app.inject({
  method: 'POST', url: `/orders/${order}/lines/1/choice`, remoteAddress: client, headers: form, payload: 'choice=cancel',
})
const cookieOf = (res: { headers: Record<string, unknown> }) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []).find((c) => c.startsWith('wismo_order='))?.split(';')[0] ?? null

test('one client\'s failures count across the page, the API and the choice POST; once throttled it locks no order', async () => {
  const attacker = someone()
  // Ten failures spread over three paths and five orders (two per order: none locked).
  const spread: number[] = []
  for (const order of ORDERS.slice(0, 5)) {
    spread.push((await page(attacker, order, '99999')).statusCode)
    spread.push((await api(attacker, order, 'postal_code=99998')).statusCode)
  }
  assert.deepEqual(spread, [404, 404, 404, 404, 404, 404, 404, 404, 404, 404])
  // The eleventh, by any path, is refused: the client is throttled.
  const byApi = await api(attacker, 'W5002', 'postal_code=99997')
  assert.equal(byApi.statusCode, 429)
  assert.equal(byApi.json().error.code, 'LOOKUP_THROTTLED')
  assert.ok(Number(byApi.headers['retry-after']) > 0)
  assert.equal((await page(attacker, 'W5002', '99996')).statusCode, 429)
  assert.equal((await choice(attacker, 'W5002')).statusCode, 429)
  assert.equal((await api(attacker, 'W5002', 'postal_code=30301')).statusCode, 429, 'even the right proof, from that client')
  // Its further guesses were refused, not counted: W5002 is not locked for its customer.
  for (let i = 0; i < 5; i++) await api(attacker, 'W5002', `postal_code=1000${i}`)
  const customer = await api(someone(), 'W5002', 'postal_code=30301')
  assert.equal(customer.statusCode, 200)
})

test('choice POSTs without a cookie or link count as failures of the same client', async () => {
  const client = someone()
  for (let i = 0; i < 10; i++) assert.equal((await choice(client, ORDERS[i % ORDERS.length])).statusCode, 403)
  assert.equal((await api(client, 'W5001', 'postal_code=99999')).statusCode, 429)
})

test('tampered links posted to the API choice route count as failures of the same client', async () => {
  const client = someone()
  const forged = `${signChoiceToken(secret, { orderNumber: 'W5001', lineNo: 1, expiresAt: choiceTokenExpiry(clock.now()) })}x`
  const post = () => app.inject({ method: 'POST', url: '/api/orders/W5001/lines/1/choice', remoteAddress: client, payload: { token: forged, choice: 'cancel' } })
  for (let i = 0; i < 10; i++) assert.equal((await post()).statusCode, 403)
  const after = await post()
  assert.equal(after.statusCode, 429)
  assert.equal(after.json().error.code, 'LOOKUP_THROTTLED')
  assert.equal((await api(client, 'W5001', 'postal_code=30301')).statusCode, 429)
})

test('a customer holding a lookup cookie or a valid link gets through a locked order; others still wait', async () => {
  const customer = someone()
  const first = await page(customer, 'W5007', '30301')
  assert.equal(first.statusCode, 303)
  const cookie = cookieOf(first)!
  // Five wrong guesses from five addresses lock the order (distributed guessing is still stopped).
  for (let i = 0; i < 5; i++) assert.equal((await api(someone(), 'W5007', `postal_code=2000${i}`)).statusCode, 404)
  assert.equal((await api(someone(), 'W5007', 'postal_code=30301')).statusCode, 429)
  assert.equal((await page(someone(), 'W5007', '30301')).statusCode, 429)
  // The customer with the cookie: the page and a fresh lookup both go through.
  assert.match((await app.inject({ url: '/orders/W5007', remoteAddress: customer, headers: { cookie } })).body, /<h1>Order W5007<\/h1>/)
  const again = await page(customer, 'W5007', '30301', { cookie })
  assert.equal(again.statusCode, 303)
  // A customer with the email's signed link: the lookup form carries it, and the right proof goes through.
  const token = signChoiceToken(secret, { orderNumber: 'W5007', lineNo: 1, expiresAt: choiceTokenExpiry(clock.now()) })
  const viaLink = await page(someone(), 'W5007', '30301', { token })
  assert.equal(viaLink.statusCode, 303)
  // A wrong proof is still wrong, link or not.
  const wrongWithLink = await page(someone(), 'W5007', '99999', { token })
  assert.equal(wrongWithLink.statusCode, 429)
  assert.equal(cookieOf(wrongWithLink), null)
  // A link of another order is no pass.
  const other = signChoiceToken(secret, { orderNumber: 'W5008', lineNo: 1, expiresAt: choiceTokenExpiry(clock.now()) })
  assert.equal((await page(someone(), 'W5007', '30301', { token: other })).statusCode, 429)
})

test('a throttled client holding its own cookie still gets its order', async () => {
  const client = someone()
  const ok = await page(client, 'W5009', '30301')
  const cookie = cookieOf(ok)!
  for (let i = 0; i < 10; i++) await api(client, 'W5010', `email=guess${i}@example.com`)
  assert.equal((await api(client, 'W5009', 'postal_code=30301')).statusCode, 429)
  assert.equal((await page(client, 'W5009', '30301', { cookie })).statusCode, 303)
})

test('unknown orders and wrong proofs answer alike, before and after a client is throttled', async () => {
  const client = someone()
  const wrong = await api(client, 'W5008', 'postal_code=99999')
  const ghost = await api(client, 'NO-SUCH', 'postal_code=99999')
  assert.equal(wrong.statusCode, 404)
  assert.equal(ghost.body, wrong.body)
  // Another wrong postal code: the same one again would be a retried typo, counted once (issue 16).
  const wrongPage = await page(client, 'W5008', '99998')
  const ghostPage = await page(client, 'NO-SUCH', '99998')
  assert.equal(wrongPage.body.replace(/value="[^"]*"/g, ''), ghostPage.body.replace(/value="[^"]*"/g, ''))
  for (let i = 0; i < 6; i++) await api(client, `NO-SUCH-${i}`, 'postal_code=99999')
  const a = await api(client, 'W5008', 'postal_code=99999')
  const b = await api(client, 'NO-SUCH', 'postal_code=99999')
  assert.equal(a.statusCode, 429)
  assert.equal(a.body, b.body)
})

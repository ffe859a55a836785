// Issue 20: every hook that runs on all routes is paid by the hottest one, the customer's status
// lookup. These pin down what runs there (and that the pages keep what was scoped to them), and
// that the security kept on it still holds: every header, and a rate limit no header walks around.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { helmetHeaders, securityHeaderOptions } from '../../src/http/security-headers.ts'

let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-20T15:00:00Z')

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W3001', email: 'hot@example.com', postalCode: '30301', placedAt: '2026-11-16T10:00:00Z',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME', poNumber: 'PO-31', poLine: '1' }],
  })
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 3 } })
  await app.ready()
})
after(async () => {
  await app.close()
  await db.close()
})

/** The hooks of one route, by kind, as Fastify prints them (`printRoutes({ includeHooks: true })`). */
function hooksOf(path: string, method = 'GET'): Record<string, string[]> {
  const lines = app.printRoutes({ includeHooks: true, commonPrefix: false }).split('\n')
  const at = lines.findIndex((l) => l.includes(` ${path} (`) && l.includes(method))
  assert.ok(at >= 0, `route ${method} ${path} not found`)
  const hooks: Record<string, string[]> = {}
  for (const l of lines.slice(at + 1)) {
    const m = /• \((\w+)\) (\[.*\])/.exec(l)
    if (!m) break
    hooks[m[1]] = JSON.parse(m[2])
  }
  return hooks
}

test('the status lookup runs no cookie or helmet hook, and no asynchronous hook of its own app', () => {
  const hooks = hooksOf('api/orders/:number/status')
  const all = Object.values(hooks).flat().join(' ')
  assert.doesNotMatch(all, /cookie/i, all)
  assert.doesNotMatch(all, /helmet/i, all)
  // security headers, the NUL guard, the rate limiter: three onRequest hooks, no more
  assert.equal(hooks.onRequest?.length, 3, JSON.stringify(hooks))
})

test('the pages still parse and write cookies', () => {
  for (const path of ['orders/:number', 'console']) {
    const all = Object.values(hooksOf(path)).flat().join(' ')
    assert.match(all, /fastifyCookieHandler/, `${path}: ${all}`)
  }
})

test('the security headers are exactly what helmet sets with wismo\'s options', async () => {
  const expected = helmetHeaders(securityHeaderOptions({ publicUrl: 'http://localhost:3000' }))
  // helmet's defaults beyond the four wismo sets itself are kept too
  assert.equal(expected['cross-origin-opener-policy'], 'same-origin')
  assert.equal(expected['x-dns-prefetch-control'], 'off')
  assert.equal(expected['strict-transport-security'], undefined)
  const check = (res: LightMyRequestResponse, what: string) => {
    for (const [name, value] of Object.entries(expected)) assert.equal(res.headers[name], value, `${what}: ${name}`)
  }
  check(await app.inject({ url: '/api/orders/W3001/status?email=hot@example.com' }), 'lookup 200')
  check(await app.inject({ url: '/api/orders/W3001/status?email=nobody@example.com' }), 'lookup 404')
  check(await app.inject({ url: '/orders/W3001' }), 'order page (asks for the proof)')
  check(await app.inject({ url: '/console' }), 'console')
  check(await app.inject({ url: '/assets/customer.css' }), 'asset')
  check(await app.inject({ url: '/api/orders/W%00/status?email=a@b.c' }), 'NUL refused by the input guard')
  check(await app.inject({ method: 'POST', url: '/lookup', payload: 'order=W3001&email=x%00', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'NUL in a form')
})

test('the hot lookup answers the same stored view again and again, and the rate limit holds whatever the headers say', async () => {
  const url = '/api/orders/W3001/status?email=hot@example.com'
  const first = await app.inject({ url, remoteAddress: '10.9.9.9' })
  assert.equal(first.statusCode, 200)
  const second = await app.inject({ url, remoteAddress: '10.9.9.9', headers: { cookie: 'wismo_lookup=forged' } })
  assert.equal(second.body, first.body)
  // The third and the fourth from the same socket, each claiming another address and carrying a cookie.
  const spoof = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}`, 'x-real-ip': `203.0.113.${i}`, forwarded: `for=203.0.113.${i}`, cookie: `s=${i}` })
  assert.equal((await app.inject({ url, remoteAddress: '10.9.9.9', headers: spoof(1) })).statusCode, 200)
  const limited = await app.inject({ url: '/api/orders/w3001/status?email=HOT@example.com', remoteAddress: '10.9.9.9', headers: spoof(2) })
  assert.equal(limited.statusCode, 429)
  assert.equal(limited.headers['x-content-type-options'], 'nosniff')
})

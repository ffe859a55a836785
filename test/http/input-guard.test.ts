import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { findNul } from '../../src/domain/nul.ts'

let db: Db
let app: FastifyInstance
before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  app = await buildApp({ db, clock: new TestClock('2026-11-20T15:00:00Z'), config: { holidays: [], lookupRateLimit: 100, secret: 'test-secret-0123456789' } })
})
after(async () => {
  await app.close()
  await db.close()
})

const form = { 'content-type': 'application/x-www-form-urlencoded' }

test('a NUL anywhere in the address or a parsed body is a 400 that names where; never a 500, never SQL', async () => {
  const cases: { method?: 'GET' | 'POST'; url: string; payload?: string; headers?: Record<string, string>; where: RegExp }[] = [
    { url: '/api/orders/W%001/status?email=a%40b.c', where: /request address/ },
    { url: '/api/orders/W1/status?postal_code=30%0001', where: /request address/ },
    { url: '/orders/W1?email=a%00b', where: /request address/ },
    { url: '/unsubscribe?token=1.a%00', where: /request address/ },
    { method: 'POST', url: '/console/login', payload: 'email=a%00b&password=x', headers: form, where: /body\.email/ },
    { method: 'POST', url: '/api/orders/W1/lines/1/choice', payload: JSON.stringify({ token: 'a\u0000', choice: 'wait' }), headers: { 'content-type': 'application/json' }, where: /body\.token/ },
  ]
  for (const c of cases) {
    const r = await app.inject({ method: c.method ?? 'GET', url: c.url, payload: c.payload, headers: c.headers, remoteAddress: '10.0.0.9' })
    assert.equal(r.statusCode, 400, `${c.url}: ${r.body}`)
    assert.equal(r.json().error.code, 'REQUEST_NUL')
    assert.match(r.json().error.message, c.where)
    assert.doesNotMatch(r.body, /SELECT|INSERT|invalid byte sequence|at \//)
  }
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM lookup_failures')
  assert.equal(n, 0, 'refused before any lookup counted')
})

test('findNul names the path of the first NUL in nested JSON', () => {
  assert.equal(findNul({ a: [1, { b: 'x\u0000' }] }), 'body.a[1].b')
  assert.equal(findNul({ a: 'ok', n: 3, z: null }), null)
  assert.equal(findNul(Buffer.from([0])), null, 'raw bodies are their routes\' to store and quarantine')
})

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { ERROR_STATUS, httpStatusFor } from '../../src/http/errors.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'

const CODE = "'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'"
// Where a code is named in src/: a DomainError, a subclass's super(), a default code parameter,
// a code as the last argument of an error's constructor, an error body sent directly.
const PATTERNS = [
  new RegExp(`new\\s+DomainError\\(\\s*${CODE}`, 'g'),
  new RegExp(`super\\(\\s*${CODE}`, 'g'),
  new RegExp(`\\bcode\\s*=\\s*${CODE}`, 'g'),
  new RegExp(`new\\s+\\w*Error\\([^)]*,\\s*${CODE}\\s*\\)`, 'g'),
  new RegExp(`\\bcode:\\s*${CODE}`, 'g'),
]

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(e.name) ? [p] : []
  })
}

function codesUsedInSrc(): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of sourceFiles('src')) {
    const text = fs.readFileSync(file, 'utf8')
    for (const re of PATTERNS) for (const m of text.matchAll(re)) if (!found.has(m[1])) found.set(m[1], file)
  }
  return found
}

test('every error code used in src/ has its HTTP status in the one table', () => {
  const used = codesUsedInSrc()
  // the scan must see the kinds of places codes live, or it proves nothing
  for (const known of ['ORDER_NOT_FOUND', 'FEED_X12_INVALID', 'FEED_X12_UNSUPPORTED', 'CARRIER_API_RESPONSE_INVALID', 'LOOKUP_LOCKED', 'RATE_LIMITED', 'WEBHOOK_SIGNATURE_INVALID', 'CONFIG_INVALID']) {
    assert.ok(used.has(known), `the scan missed ${known}`)
  }
  const missing = [...used].filter(([code]) => !(code in ERROR_STATUS)).map(([code, file]) => `${code} (${file})`)
  assert.deepEqual(missing, [], `add these codes to ERROR_STATUS in src/http/errors.ts: ${missing.join(', ')}`)
  assert.equal(httpStatusFor('SOMETHING_NEW'), 500, 'a code nobody classified is a server fault, not the client')
})

let db: Db
let app: FastifyInstance
const log: string[] = []
const clock = new TestClock('2026-11-20T15:00:00Z')

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W4001', email: 'dana.fields@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }],
  })
  app = await buildApp({
    db, clock, config: { holidays: [], lookupRateLimit: 1000 },
    logger: { level: 'error', stream: { write: (line) => void log.push(line) } },
  })
  app.get<{ Params: { code: string } }>('/test/throw/:code', async (req) => {
    throw new DomainError(req.params.code, 'a message with SELECT secret_column FROM hidden_table', {
      cause: new Error('the underlying cause: connection reset'), details: ['detail one'],
    })
  })
  app.get('/test/crash', async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'x')")
  })
  app.post('/test/echo', async (req) => req.body as object)
})
after(async () => {
  await app.close()
  await db.close()
})

function logged(errorId: string): Record<string, unknown> {
  const line = log.find((l) => l.includes(errorId))
  assert.ok(line, `the error id ${errorId} is in the log`)
  return JSON.parse(line) as Record<string, unknown>
}

function assertNoLeak(body: string): void {
  for (const bad of ['SELECT', 'secret_column', 'hidden_table', 'order_views', 'relation', 'cause', '    at ', '.ts:', 'TypeError']) {
    assert.ok(!body.includes(bad), `the body leaks ${JSON.stringify(bad)}: ${body}`)
  }
}

test('each code in the table answers with its status; a server fault hides its cause behind an error id', async () => {
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    const res = await app.inject({ url: `/test/throw/${code}` })
    assert.equal(res.statusCode, status, code)
    const body = res.json()
    if (status < 500) {
      assert.deepEqual(body, { error: { code, message: 'a message with SELECT secret_column FROM hidden_table', problems: ['detail one'] } })
      continue
    }
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'errorId', 'message'], code)
    assert.equal(body.error.code, 'INTERNAL')
    assert.equal(body.error.message, 'internal error')
    assert.match(body.error.errorId, /^[0-9a-f-]{36}$/)
    assertNoLeak(res.body)
    const entry = logged(body.error.errorId)
    assert.match(JSON.stringify(entry), /secret_column/, 'the log keeps the message')
    assert.match(JSON.stringify(entry), /connection reset/, 'the log keeps the cause')
  }
})

test('an unknown code and an unexpected exception are 500s with an id, never 400s', async () => {
  const unknown = await app.inject({ url: '/test/throw/BRAND_NEW_CODE' })
  assert.equal(unknown.statusCode, 500)
  assertNoLeak(unknown.body)
  const crash = await app.inject({ url: '/test/crash' })
  assert.equal(crash.statusCode, 500)
  assertNoLeak(crash.body)
  assert.match(JSON.stringify(logged(crash.json().error.errorId)), /reading 'x'/)
  assert.notEqual(unknown.json().error.errorId, crash.json().error.errorId)
})

test("a client's own mistakes stay 4xx", async () => {
  const badJson = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' })
  assert.equal(badJson.statusCode, 400)
  assert.equal(badJson.json().error.code, 'REQUEST_INVALID')
  const badType = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/x-nope' }, payload: 'x' })
  assert.equal(badType.statusCode, 415)
  const noProof = await app.inject({ url: '/api/orders/W4001/status' })
  assert.equal(noProof.statusCode, 400)
})

test('a failing database query in a real route is a 500 with an id, logged with the SQL error', async () => {
  const ok = await app.inject({ url: '/api/orders/W4001/status?email=dana.fields@example.com' })
  assert.equal(ok.statusCode, 200)
  // the guard's own table failing is a server fault too, not a "not found"
  await db.query('DROP TABLE lookup_failures')
  const guard = await app.inject({ url: '/api/orders/W4001/status?email=wrong@example.com' })
  assert.equal(guard.statusCode, 500)
  assertNoLeak(guard.body)
  assert.match(JSON.stringify(logged(guard.json().error.errorId)), /lookup_failures/)

  await db.query('DROP TABLE order_views')
  const res = await app.inject({ url: '/api/orders/W4001/status?email=dana.fields@example.com' })
  assert.equal(res.statusCode, 500)
  assert.equal(res.json().error.code, 'INTERNAL')
  assertNoLeak(res.body)
  const entry = JSON.stringify(logged(res.json().error.errorId))
  assert.match(entry, /order_views/, 'the log names what failed')
  assert.match(entry, /\/api\/orders\/W4001\/status/)
  assert.ok(!entry.includes('dana.fields'), 'the proof the customer typed is not logged')
})

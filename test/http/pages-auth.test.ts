import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb, freshDbEnv } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { hashPassword, verifyPassword } from '../../src/auth/password.ts'
import { upsertUser } from '../../src/store/users.ts'
import { openDb } from '../../src/store/db.ts'

let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-20T15:00:00Z')

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W4001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
  await seedOrder(db, { orderNumber: 'W4002', email: 'other@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
  await upsertUser(db, { email: 'rep@store.example', role: 'rep', passwordHash: await hashPassword('a long password'), now: clock.now() })
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: 'pages-auth-secret-0123456789' } })
})
after(async () => {
  await app.close()
  await db.close()
})

const cookieOf = (res: { headers: Record<string, unknown> }, name: string) => {
  const all = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? [])
  return all.find((c) => c.startsWith(`${name}=`)) ?? null
}
const pair = (setCookie: string) => setCookie.split(';')[0]

async function lookup(order: string, email: string) {
  return app.inject({ method: 'POST', url: '/lookup', payload: `order_number=${order}&email=${encodeURIComponent(email)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
}

test('the lookup cookie is signed, httpOnly, strict, scoped to its order, and short-lived', async () => {
  const res = await lookup('W4001', 'DANA@example.com')
  assert.equal(res.statusCode, 303)
  const set = cookieOf(res, 'wismo_order')!
  assert.match(set, /HttpOnly/)
  assert.match(set, /SameSite=Strict/)
  assert.match(set, /Path=\/orders\/W4001/)
  const ok = await app.inject({ url: '/orders/W4001', headers: { cookie: pair(set) } })
  assert.match(ok.body, /<h1>Order W4001<\/h1>/)
  // Another order with this cookie, a tampered cookie, no cookie: the lookup form, never the order.
  const other = await app.inject({ url: '/orders/W4002', headers: { cookie: pair(set) } })
  assert.doesNotMatch(other.body, /<h1>Order W4002/)
  const tampered = pair(set).replace('W4001', 'W4002')
  assert.doesNotMatch((await app.inject({ url: '/orders/W4002', headers: { cookie: tampered } })).body, /<h1>Order/)
  assert.doesNotMatch((await app.inject({ url: '/orders/W4001' })).body, /<h1>Order/)
  clock.advance(31 * 60_000)
  assert.doesNotMatch((await app.inject({ url: '/orders/W4001', headers: { cookie: pair(set) } })).body, /<h1>Order/, 'expired by wismo\'s clock')
  clock.set('2026-11-20T15:00:00Z')
})

test('a wrong email and an unknown order give the identical page', async () => {
  const a = await lookup('W4001', 'nobody@example.com')
  const b = await lookup('NOPE', 'dana@example.com')
  assert.equal(a.statusCode, 404)
  assert.equal(b.statusCode, 404)
  assert.equal(a.body.replace(/value="[^"]*"/g, ''), b.body.replace(/value="[^"]*"/g, ''))
  assert.match(a.body, /We couldn&#x27;t find that order/)
})

test('a choice link that is not genuine lands on the lookup with a clear message', async () => {
  const res = await app.inject({ url: '/orders/W4001/choose?token=forged' })
  assert.equal(res.statusCode, 400)
  assert.match(res.body, /expired or is not valid/)
  assert.doesNotMatch(res.body, /<h1>Order/)
})

test('console: login needs its CSRF token; the session cookie is httpOnly, strict, /console; POSTs need the session token', async () => {
  const page = await app.inject({ url: '/console' })
  const csrfCookie = pair(cookieOf(page, 'wismo_login_csrf')!)
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const form = (extra: string) => ({ method: 'POST' as const, url: '/console/login', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie }, payload: `email=rep%40store.example&password=a+long+password${extra}` })
  assert.equal((await app.inject(form(''))).statusCode, 403, 'no CSRF token')
  const ok = await app.inject(form(`&_csrf=${token}`))
  assert.equal(ok.statusCode, 303)
  const session = cookieOf(ok, 'wismo_session')!
  assert.match(session, /HttpOnly/)
  assert.match(session, /SameSite=Strict/)
  assert.match(session, /Path=\/console/)
  const note = (payload: string) => app.inject({ method: 'POST', url: '/console/orders/W4001/notes', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pair(session) }, payload })
  assert.equal((await note('body=hello')).statusCode, 403, 'a POST without the session CSRF token is refused')
  assert.equal((await db.query('SELECT 1 FROM notes')).length, 0)
  const worklist = await app.inject({ url: '/console', headers: { cookie: pair(session) } })
  const sessionToken = /name="_csrf" value="([^"]+)"/.exec(worklist.body)![1]
  assert.equal((await note(`body=hello&_csrf=${sessionToken}`)).statusCode, 303)
  const audit = await db.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit_log WHERE action = 'note.add'`)
  assert.deepEqual(audit, [{ actor: 'rep:rep@store.example', action: 'note.add' }])
  // Without a session every console page sends you to the login.
  assert.equal((await app.inject({ url: '/console/dashboard' })).statusCode, 303)
})

function runWithStdin(args: string[], env: Record<string, string>, stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('bin/wismo.js'), ...args], { env: { ...process.env, DATABASE_URL: '', WISMO_NOW: '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

test('wismo user add reads the password from stdin and stores only a scrypt hash', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-user-'))
  try {
    const env = await freshDbEnv(path.join(dir, 'data'))
    const added = await runWithStdin(['user', 'add', 'Ada@Store.example', '--role', 'admin'], env, 'a long password\n')
    assert.equal(added.code, 0, added.stderr)
    assert.match(added.stdout, /user Ada@Store.example added \(admin\)/)
    const short = await runWithStdin(['user', 'add', 'bob@store.example', '--role', 'rep'], env, 'short\n')
    assert.equal(short.code, 1)
    assert.match(short.stderr, /at least 10 characters/)
    const badRole = await runWithStdin(['user', 'add', 'bob@store.example', '--role', 'boss'], env, 'a long password\n')
    assert.equal(badRole.code, 2)
    const check = await openDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.WISMO_DATA_DIR })
    try {
      const rows = await check.query<{ email: string; role: string; password_hash: string }>('SELECT email, role, password_hash FROM users')
      assert.equal(rows.length, 1)
      assert.equal(rows[0].role, 'admin')
      assert.match(rows[0].password_hash, /^scrypt\$/)
      assert.ok(!rows[0].password_hash.includes('a long password'))
      assert.ok(await verifyPassword('a long password', rows[0].password_hash))
    } finally {
      await check.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the page shares the per-order limit on wrong proofs: after 5, even the right email waits', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await lookup('W4002', `guess${i}@example.com`)).statusCode, 404)
  const right = await lookup('W4002', 'other@example.com')
  assert.equal(right.statusCode, 429)
  assert.match(right.body, /Too many attempts to look up this order/)
  assert.ok(Number(right.headers['retry-after']) > 0)
  assert.equal(cookieOf(right, 'wismo_order'), null)
})

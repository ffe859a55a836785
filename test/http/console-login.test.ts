/**
 * The console login under attack (issue 15, item 6): lock-outs keyed on the user record, not on
 * the string typed; a per-client limit on failed logins, checked before any password is hashed; a
 * multi-byte `_csrf` refused with 403; sessions ended by a password reset, a role change, and the
 * `wismo user remove` / `wismo user sessions revoke` commands.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { openDb } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb, freshDbEnv } from '../helpers/db.ts'
import { runWismo } from '../helpers/cli.ts'
import { hashPassword } from '../../src/auth/password.ts'
import { upsertUser } from '../../src/store/users.ts'
import { createSession } from '../../src/store/sessions.ts'

const PASSWORD = 'a long password'
let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-20T15:00:00Z')
let ip = 0
/** A client address of its own for each test, so the per-client limit of one does not touch another. */
const nextClient = () => `198.51.100.${++ip}`

before(async () => {
  db = await freshDb()
  const hash = await hashPassword(PASSWORD)
  for (const email of ['rita@store.example', 'lee@store.example', 'sam@store.example', 'max@store.example']) {
    await upsertUser(db, { email, role: 'rep', passwordHash: hash, now: clock.now() })
  }
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 1000, secret: 'console-login-secret-0123456789' } })
})
after(async () => {
  await app.close()
  await db.close()
})

const pair = (setCookie: string) => setCookie.split(';')[0]
const cookieOf = (res: { headers: Record<string, unknown> }, name: string) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`)) ?? null

/** A login form as a browser at `client` sends it: the CSRF cookie and its token. */
async function loginAs(client: string, email: string, password: string, csrfOverride?: string) {
  const page = await app.inject({ url: '/console', remoteAddress: client })
  const csrfCookie = pair(cookieOf(page, 'wismo_login_csrf')!)
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const payload = new URLSearchParams({ email, password, _csrf: csrfOverride ?? token }).toString()
  return app.inject({
    method: 'POST', url: '/console/login', remoteAddress: client,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie }, payload,
  })
}

test('the lock-out is the user\'s: rİta@ (Turkish dotted I) and RITA@ count against rita\'s account', async () => {
  const client = nextClient()
  const typed = ['rİta@store.example', 'RITA@store.example', 'rİta@store.example', 'Rita@Store.Example', 'rİta@STORE.example']
  for (const email of typed) {
    const r = await loginAs(nextClient(), email, 'not the password')
    assert.ok([401, 429].includes(r.statusCode), `${email}: ${r.statusCode}`)
  }
  const right = await loginAs(client, 'rita@store.example', PASSWORD)
  assert.equal(right.statusCode, 429, 'five failures under any spelling lock the account')
  assert.match(right.body, /locked/)
  assert.equal(cookieOf(right, 'wismo_session'), null)
  clock.advance(16 * 60_000)
  assert.equal((await loginAs(client, 'rita@store.example', PASSWORD)).statusCode, 303)
  clock.set('2026-11-20T15:00:00Z')
})

test('failed logins from one client are throttled before any password is hashed; other clients are not', async () => {
  const client = nextClient()
  const codes: number[] = []
  for (let i = 0; i < 25; i++) codes.push((await loginAs(client, `nobody${i}@store.example`, 'guess')).statusCode)
  assert.deepEqual(codes.slice(0, 20), Array(20).fill(401))
  assert.deepEqual(codes.slice(20), Array(5).fill(429))
  const throttled = await loginAs(client, 'lee@store.example', PASSWORD)
  assert.equal(throttled.statusCode, 429, 'even the right password waits, from that client')
  assert.match(throttled.body, /Too many failed logins from your connection/)
  assert.ok(Number(throttled.headers['retry-after']) > 0)
  // lee's own account is not locked by what another client tried
  assert.equal((await loginAs(nextClient(), 'lee@store.example', PASSWORD)).statusCode, 303)
})

test('a _csrf of the same length but more bytes is a 403, on the login and on console forms', async () => {
  const client = nextClient()
  const page = await app.inject({ url: '/console', remoteAddress: client })
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const wide = 'é'.repeat(token.length)
  const r = await loginAs(client, 'sam@store.example', PASSWORD, wide)
  assert.equal(r.statusCode, 403)
  const ok = await loginAs(client, 'sam@store.example', PASSWORD)
  assert.equal(ok.statusCode, 303)
  const session = pair(cookieOf(ok, 'wismo_session')!)
  const worklist = await app.inject({ url: '/console', headers: { cookie: session } })
  const sessionToken = /name="_csrf" value="([^"]+)"/.exec(worklist.body)![1]
  const post = await app.inject({
    method: 'POST', url: '/console/logout', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session },
    payload: new URLSearchParams({ _csrf: 'ü'.repeat(sessionToken.length) }).toString(),
  })
  assert.equal(post.statusCode, 403)
})

test('a password reset or a role change ends every session of that user', async () => {
  const loggedIn = async () => {
    const r = await loginAs(nextClient(), 'max@store.example', PASSWORD)
    assert.equal(r.statusCode, 303)
    return pair(cookieOf(r, 'wismo_session')!)
  }
  const works = async (cookie: string) => (await app.inject({ url: '/console/dashboard', headers: { cookie } })).statusCode === 200
  const [a, b] = [await loggedIn(), await loggedIn()]
  assert.ok((await works(a)) && (await works(b)))
  await upsertUser(db, { email: 'max@store.example', role: 'rep', passwordHash: await hashPassword(PASSWORD), now: clock.now() })
  assert.ok(!(await works(a)) && !(await works(b)), 'a password reset drops both sessions')
  const c = await loggedIn()
  await upsertUser(db, { email: 'Max@store.example', role: 'admin', passwordHash: await hashPassword(PASSWORD), now: clock.now() })
  assert.ok(!(await works(c)), 'a role change drops it too')
})

test('wismo user sessions revoke EMAIL and wismo user remove EMAIL: 0 done, 1 unknown user, 2 usage', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-user-'))
  try {
    const env = await freshDbEnv(path.join(dir, 'data'))
    const open = () => openDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.WISMO_DATA_DIR })
    let check = await open()
    for (const email of ['ada@store.example', 'bob@store.example']) {
      await upsertUser(check, { email, role: 'rep', passwordHash: 'scrypt$x', now: clock.now() })
      const [{ user_id }] = await check.query<{ user_id: number }>('SELECT user_id FROM users WHERE email = $1', [email])
      await createSession(check, user_id, clock.now())
      await createSession(check, user_id, clock.now())
    }
    await check.close()

    const revoke = await runWismo(['user', 'sessions', 'revoke', 'ADA@store.example'], env)
    assert.equal(revoke.code, 0, revoke.stderr)
    assert.match(revoke.stdout, /2 sessions? of ada@store\.example ended/)
    const remove = await runWismo(['user', 'remove', 'bob@store.example'], env)
    assert.equal(remove.code, 0, remove.stderr)
    assert.match(remove.stdout, /user bob@store\.example removed/)
    const unknown = await runWismo(['user', 'remove', 'nobody@store.example'], env)
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /no console user nobody@store\.example/)
    assert.equal((await runWismo(['user', 'sessions', 'revoke', 'nobody@store.example'], env)).code, 1)
    assert.equal((await runWismo(['user', 'remove'], env)).code, 2)
    assert.equal((await runWismo(['user', 'sessions', 'end', 'ada@store.example'], env)).code, 2)

    check = await open()
    try {
      const users = await check.query<{ email: string }>('SELECT email FROM users ORDER BY email')
      assert.deepEqual(users.map((u) => u.email), ['ada@store.example'])
      const [{ n }] = await check.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions')
      assert.equal(n, 0)
      const audit = await check.query<{ action: string }>("SELECT action FROM audit_log WHERE actor = 'cli' ORDER BY audit_id")
      assert.deepEqual(audit.map((a) => a.action), ['user.sessions_revoke', 'user.remove'])
    } finally {
      await check.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

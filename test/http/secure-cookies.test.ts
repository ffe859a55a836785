/**
 * Issue 15 item 8: every cookie carries `Secure` when wismo is reached over https
 * (WISMO_PUBLIC_URL https://…), whatever the proxy setting: behind a TLS-terminating proxy that
 * wismo is not told to trust, the request itself looks like plain http.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { hashPassword } from '../../src/auth/password.ts'
import { upsertUser } from '../../src/store/users.ts'
import { choiceTokenExpiry, signChoiceToken } from '../../src/choices/choice-token.ts'

const SECRET = 'secure-cookies-secret-0123456789'
const clock = new TestClock('2026-11-20T15:00:00Z')
let db: Db
let https: FastifyInstance
let http: FastifyInstance

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W8001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
  await upsertUser(db, { email: 'rep@store.example', role: 'rep', passwordHash: await hashPassword('a long password'), now: clock.now() })
  const config = { holidays: [], lookupRateLimit: 100, secret: SECRET, trustProxy: false as const }
  https = await buildApp({ db, clock, config: { ...config, publicUrl: 'https://orders.example.com' } })
  http = await buildApp({ db, clock, config: { ...config, publicUrl: 'http://localhost:3000' } })
})
after(async () => {
  await https.close()
  await http.close()
  await db.close()
})

const setCookies = (res: { headers: Record<string, unknown> }) => ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? [])
const pair = (c: string) => c.split(';')[0]
const form = { 'content-type': 'application/x-www-form-urlencoded' }

/** Every cookie wismo sets, collected from the requests that set them (plain http requests, no forwarded headers). */
async function everyCookie(app: FastifyInstance): Promise<string[]> {
  const all: string[] = []
  const keep = <T extends { headers: Record<string, unknown> }>(res: T) => (all.push(...setCookies(res)), res)
  keep(await app.inject({ method: 'POST', url: '/lookup', headers: form, payload: 'order_number=W8001&email=dana%40example.com' }))
  const token = signChoiceToken(SECRET, { orderNumber: 'W8001', lineNo: 1, expiresAt: choiceTokenExpiry(clock.now()) })
  keep(await app.inject({ url: `/orders/W8001/choose?token=${encodeURIComponent(token)}` }))
  const page = keep(await app.inject({ url: '/console' }))
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const csrfCookie = pair(setCookies(page).find((c) => c.startsWith('wismo_login_csrf='))!)
  const login = keep(await app.inject({ method: 'POST', url: '/console/login', headers: { ...form, cookie: csrfCookie }, payload: `email=rep%40store.example&password=a+long+password&_csrf=${csrf}` }))
  const session = pair(setCookies(login).find((c) => c.startsWith('wismo_session='))!)
  const worklist = await app.inject({ url: '/console', headers: { cookie: session } })
  const sessionCsrf = /name="_csrf" value="([^"]+)"/.exec(worklist.body)![1]
  keep(await app.inject({ method: 'POST', url: '/console/logout', headers: { ...form, cookie: session }, payload: `_csrf=${sessionCsrf}` }))
  return all
}

test('with an https public URL every cookie is Secure, even over a plain request from an untrusted proxy', async () => {
  const cookies = await everyCookie(https)
  const names = new Set(cookies.map((c) => c.split('=')[0]))
  assert.deepEqual([...names].sort(), ['wismo_login_csrf', 'wismo_order', 'wismo_session'])
  assert.ok(cookies.length >= 5, cookies.join('\n'))
  for (const c of cookies) assert.match(c, /;\s*Secure(;|$)/i, c)
  // A proxy's X-Forwarded-Proto is not believed (trust is off), and changes nothing either way.
  const forwarded = await https.inject({ url: '/console', headers: { 'x-forwarded-proto': 'http' } })
  for (const c of setCookies(forwarded)) assert.match(c, /;\s*Secure(;|$)/i, c)
})

test('with an http public URL (a local set-up) cookies are not Secure, so the browser keeps them', async () => {
  const cookies = await everyCookie(http)
  assert.ok(cookies.length >= 5)
  for (const c of cookies) assert.doesNotMatch(c, /;\s*Secure(;|$)/i, c)
})

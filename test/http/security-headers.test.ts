import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { chromium } from 'playwright-core'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { SWAGGER_UI_STYLE_HASH } from '../../src/http/security-headers.ts'

let db: Db
let plain: FastifyInstance
let secure: FastifyInstance
const clock = new TestClock('2026-11-20T15:00:00Z')
const CSP = "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;frame-ancestors 'none';form-action 'self';base-uri 'none';object-src 'none'"

before(async () => {
  db = await freshDb()
  plain = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 2, publicUrl: 'http://localhost:3000' } })
  secure = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 2, publicUrl: 'https://orders.example.com' } })
  for (const a of [plain, secure]) {
    a.get('/test/crash', async () => {
      throw new Error('boom')
    })
    // what a page with inline script would be: the CSP must stop it
    a.get('/test/inline', async (_req, reply) =>
      reply.type('text/html').send('<!doctype html><title>before</title><script>document.title = "inline ran"</script><p>hi</p>'))
  }
})
after(async () => {
  await plain.close()
  await secure.close()
  await db.close()
})

function assertHeaders(res: LightMyRequestResponse, what: string, https: boolean, docs = false): void {
  const h = res.headers
  const csp = docs ? CSP.replace("style-src 'self'", `style-src 'self' ${SWAGGER_UI_STYLE_HASH}`) : CSP
  assert.equal(h['content-security-policy'], https ? `${csp};upgrade-insecure-requests` : csp, what)
  assert.equal(h['x-content-type-options'], 'nosniff', what)
  assert.equal(h['referrer-policy'], 'no-referrer', what)
  assert.equal(h['x-frame-options'], 'DENY', what)
  if (https) assert.equal(h['strict-transport-security'], 'max-age=31536000; includeSubDomains', what)
  else assert.equal(h['strict-transport-security'], undefined, `${what}: no HSTS over plain http`)
}

const ANSWERS: { what: string; url: string; status: number }[] = [
  { what: 'home page', url: '/', status: 200 },
  { what: 'health', url: '/healthz', status: 200 },
  { what: 'lookup 404', url: '/api/orders/NOPE/status?email=a@b.c', status: 404 },
  { what: 'lookup 400', url: '/api/orders/NOPE/status', status: 400 },
  { what: 'no such route', url: '/nowhere', status: 404 },
  { what: 'server fault', url: '/test/crash', status: 500 },
  { what: 'API docs', url: '/docs', status: 200 },
  { what: 'OpenAPI JSON', url: '/docs/json', status: 200 },
  { what: 'Swagger UI script', url: '/docs/static/swagger-ui-bundle.js', status: 200 },
]

test('every answer carries the security headers; HSTS only when the public URL is https', async () => {
  for (const [a, https] of [[plain, false], [secure, true]] as const) {
    for (const { what, url, status } of ANSWERS) {
      const res = await a.inject({ url, remoteAddress: '10.0.0.1' })
      assert.equal(res.statusCode, status, `${what} ${url}`)
      assertHeaders(res, what, https, url.startsWith('/docs'))
    }
    // rate-limited answers too
    let last: LightMyRequestResponse | undefined
    for (let i = 0; i < 4; i++) last = await a.inject({ url: `/api/orders/R${i}/status?email=a@b.c`, remoteAddress: '10.7.7.7' })
    assert.equal(last?.statusCode, 429)
    assertHeaders(last!, '429', https)
  }
})

test('in Chromium, /docs renders under the policy and an inline script is refused', async () => {
  await plain.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(plain.server.address() as AddressInfo).port}`
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = await browser.newPage()
    const violations: string[] = []
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text())
    })
    await page.goto(`${base}/docs`)
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 })
    assert.match(await page.locator('.swagger-ui .info .title').innerText(), /wismo API/)
    await page.locator('.opblock-summary-path', { hasText: '/api/orders/{number}/status' }).first().waitFor()
    // the stylesheet applied (a file, allowed by style-src 'self')
    const fontFamily = await page.locator('.swagger-ui .info .title').evaluate((el) => getComputedStyle(el).fontFamily)
    assert.match(fontFamily, /sans-serif/)
    assert.deepEqual(violations, [], 'Swagger UI needs nothing the policy forbids')

    await page.goto(`${base}/test/inline`)
    await page.locator('p').waitFor()
    assert.equal(await page.title(), 'before', 'the inline script did not run')
    assert.ok(violations.some((v) => /script/i.test(v)), `a CSP violation was reported: ${violations.join(' | ')}`)
  } finally {
    await browser.close()
  }
})

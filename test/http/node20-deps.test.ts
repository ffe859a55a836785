import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifyStatic from '@fastify/static'

// `npm install` warns that cookie@2.0.2 (from @fastify/cookie and fastify's light-my-request) and
// content-disposition@3.1.0 (from @fastify/static) want Node 22. No release of either that
// declares Node 20 satisfies what those packages ask for (^2.0.0, ^3.0.0), so instead this shows
// the paths wismo uses work on the Node 20 it runs on. Both are ES modules that
// light-my-request and @fastify/static load with require(): that needs require(esm), on by
// default from Node 20.19 — hence `engines: >=20.19.0` in package.json.
const require = createRequire(import.meta.url)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-deps-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('this Node 20 loads the ES-module-only packages through require()', () => {
  assert.equal(process.versions.node.split('.')[0], '20')
  assert.equal(process.features.require_module, true, 'require(esm) is needed: Node ≥ 20.19')
  for (const name of ['cookie', 'content-disposition']) {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve(name)), '..', 'package.json'), 'utf8')) as { engines: { node: string } }
    assert.equal(pkg.engines.node, '>=22', `${name} still declares Node 22; if this changes, the overrides question is open again`)
  }
  assert.equal(typeof require('cookie').stringifySetCookie, 'function')
  assert.equal(typeof require('content-disposition').create, 'function')
})

async function app() {
  const f = Fastify()
  await f.register(fastifyCookie, { secret: 'test-secret-0123456789' })
  fs.writeFileSync(path.join(dir, 'report.csv'), 'a,b\n1,2\n')
  await f.register(fastifyStatic, { root: dir, serve: false })
  f.get('/set', async (_req, reply) => {
    reply.setCookie('session', 'abc; def', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 600, signed: true, secure: true })
    return { ok: true }
  })
  f.get('/read', async (req) => {
    const raw = req.cookies.session ?? ''
    return { plain: req.cookies.theme ?? null, session: req.unsignCookie(raw) }
  })
  f.get('/download', (_req, reply) => reply.download('report.csv', 'Bericht März "Q4".csv'))
  await f.listen({ port: 0, host: '127.0.0.1' })
  return { f, base: `http://127.0.0.1:${(f.server.address() as AddressInfo).port}` }
}

test('cookies are written and read back through @fastify/cookie (cookie@2) over real HTTP and inject', async () => {
  const { f, base } = await app()
  try {
    const res = await fetch(`${base}/set`)
    const setCookie = res.headers.get('set-cookie') ?? ''
    assert.match(setCookie, /^session=abc%3B%20def\.[^;]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Strict$/)
    const cookie = setCookie.split(';')[0]
    const back = await (await fetch(`${base}/read`, { headers: { cookie: `${cookie}; theme=dark` } })).json()
    assert.deepEqual(back, { plain: 'dark', session: { valid: true, renew: false, value: 'abc; def' } })
    const tampered = await (await fetch(`${base}/read`, { headers: { cookie: cookie.replace('abc', 'abd') } })).json()
    assert.equal(tampered.session.valid, false)
    const injected = await f.inject({ url: '/set' }) // light-my-request parses Set-Cookie with cookie@2
    assert.deepEqual(injected.cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.maxAge]), [['session', true, 'Strict', 600]])
  } finally {
    await f.close()
  }
})

test('a download names its file through @fastify/static (content-disposition@3), non-ASCII and quotes included', async () => {
  const { f, base } = await app()
  try {
    const res = await fetch(`${base}/download`)
    assert.equal(res.status, 200)
    assert.equal(await res.text(), 'a,b\n1,2\n')
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="Bericht M?rz \\"Q4\\".csv"; filename*=UTF-8''Bericht%20M%C3%A4rz%20%22Q4%22.csv`)
  } finally {
    await f.close()
  }
})

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../src/config.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { fastifyTrustProxy } from '../../src/http/trust-proxy.ts'

function refused(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env)
  } catch (err) {
    assert.ok(err instanceof DomainError)
    assert.equal(err.code, 'CONFIG_INVALID')
    return err.details.join('\n')
  }
  assert.fail(`accepted ${JSON.stringify(env)}`)
}

test('proxy trust is off unless set, and off/false/0/empty all mean off', () => {
  assert.equal(loadConfig({}).trustProxy, false)
  for (const v of ['', 'off', 'FALSE', '0', 'none']) assert.equal(loadConfig({ WISMO_TRUST_PROXY: v }).trustProxy, false, v)
})

test('a hop count or a list of addresses and CIDR ranges is read as such', () => {
  assert.equal(loadConfig({ WISMO_TRUST_PROXY: '1' }).trustProxy, 1)
  assert.equal(loadConfig({ WISMO_TRUST_PROXY: ' 2 ' }).trustProxy, 2)
  assert.deepEqual(loadConfig({ WISMO_TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,2001:db8::/32,loopback' }).trustProxy, [
    '10.0.0.0/8', '192.168.1.7', '2001:db8::/32', 'loopback',
  ])
  assert.deepEqual(loadConfig({ WISMO_TRUST_PROXY: '10.0.0.0/255.0.0.0' }).trustProxy, ['10.0.0.0/255.0.0.0'])
})

test('trusting everyone and nonsense are refused with the setting named', () => {
  assert.match(refused({ WISMO_TRUST_PROXY: 'true' }), /WISMO_TRUST_PROXY=true would believe every client's X-Forwarded-For/)
  assert.match(refused({ WISMO_TRUST_PROXY: '*' }), /every client/)
  assert.match(refused({ WISMO_TRUST_PROXY: 'proxy.example.com' }), /WISMO_TRUST_PROXY: "proxy.example.com" is not an IP address or CIDR/)
  assert.match(refused({ WISMO_TRUST_PROXY: '10.0.0.0/33' }), /WISMO_TRUST_PROXY: "10.0.0.0\/33": the prefix length must be 0 to 32/)
  assert.match(refused({ WISMO_TRUST_PROXY: '10.0.0.1,,10.0.0.2' }), /empty entry/)
  assert.match(refused({ WISMO_TRUST_PROXY: '99' }), /hop count is 1 to 10/)
  assert.match(refused({ WISMO_TRUST_PROXY: '-1' }), /WISMO_TRUST_PROXY/)
})

test('a hop count becomes a rule trusting the nearest hops only (Fastify ignores a bare number)', () => {
  const fn = fastifyTrustProxy(2)
  assert.equal(typeof fn, 'function')
  const trust = fn as (a: string, i: number) => boolean
  assert.deepEqual([0, 1, 2, 3].map((i) => trust('203.0.113.9', i)), [true, true, false, false])
  assert.equal(fastifyTrustProxy(false), false)
  assert.equal(fastifyTrustProxy(undefined), false)
  assert.deepEqual(fastifyTrustProxy(['10.0.0.0/8']), ['10.0.0.0/8'])
})

test('the public URL defaults to localhost on the configured port and must be http(s)', () => {
  assert.equal(loadConfig({}).publicUrl, 'http://localhost:3000')
  assert.equal(loadConfig({}, { port: '8080' }).publicUrl, 'http://localhost:8080')
  assert.equal(loadConfig({ WISMO_PUBLIC_URL: 'https://orders.example.com/' }).publicUrl, 'https://orders.example.com')
  assert.match(refused({ WISMO_PUBLIC_URL: 'orders.example.com' }), /WISMO_PUBLIC_URL must be an absolute URL/)
  assert.match(refused({ WISMO_PUBLIC_URL: 'ftp://orders.example.com' }), /must start with http/)
})

test('the failed-proof limit per order has defaults and refuses nonsense', () => {
  const c = loadConfig({})
  assert.equal(c.lookupFailuresPerOrder, 5)
  assert.equal(c.lookupFailureWindowMinutes, 15)
  const set = loadConfig({ WISMO_LOOKUP_FAILURES_PER_ORDER: '3', WISMO_LOOKUP_FAILURE_WINDOW_MINUTES: '60' })
  assert.equal(set.lookupFailuresPerOrder, 3)
  assert.equal(set.lookupFailureWindowMinutes, 60)
  assert.match(refused({ WISMO_LOOKUP_FAILURES_PER_ORDER: 'many' }), /WISMO_LOOKUP_FAILURES_PER_ORDER must be a whole number/)
  assert.match(refused({ WISMO_LOOKUP_FAILURES_PER_ORDER: '0' }), /lookupFailuresPerOrder/)
  assert.match(refused({ WISMO_LOOKUP_FAILURE_WINDOW_MINUTES: '1.5' }), /lookupFailureWindowMinutes/)
})

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../src/config.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { serverLimitOptions } from '../../src/http/request-limits.ts'

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

test('request limits: a minute for a whole request by default, settable, nonsense refused by name', () => {
  const c = loadConfig({})
  assert.deepEqual([c.requestTimeoutSeconds, c.idleTimeoutSeconds, c.keepAliveTimeoutSeconds, c.feedMaxMegabytes], [60, 120, 72, 256])
  const o = serverLimitOptions(c)
  assert.deepEqual([o.bodyLimit, o.requestTimeout, o.connectionTimeout, o.keepAliveTimeout], [1024 * 1024, 60_000, 120_000, 72_000])
  // Node checks the timeouts on an interval: often enough that a trickle ends near the timeout.
  assert.deepEqual(o.http, { requestTimeout: 60_000, headersTimeout: 30_000, connectionsCheckingInterval: 5_000 })
  const set = loadConfig({ WISMO_REQUEST_TIMEOUT_SECONDS: '30', WISMO_IDLE_TIMEOUT_SECONDS: '45', WISMO_KEEP_ALIVE_TIMEOUT_SECONDS: '5', WISMO_FEED_MAX_MB: '16' })
  assert.deepEqual([set.requestTimeoutSeconds, set.idleTimeoutSeconds, set.keepAliveTimeoutSeconds, set.feedMaxMegabytes], [30, 45, 5, 16])
  assert.match(refused({ WISMO_REQUEST_TIMEOUT_SECONDS: 'soon' }), /WISMO_REQUEST_TIMEOUT_SECONDS must be a number of seconds/)
  assert.match(refused({ WISMO_FEED_MAX_MB: '-1' }), /feedMaxMegabytes/)
  assert.match(refused({ WISMO_SECRET: 'short' }), /WISMO_SECRET must be at least 16 characters/)
})

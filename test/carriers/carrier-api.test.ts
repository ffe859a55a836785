/**
 * The EasyPost Trackers client against a real local HTTP server that answers with EasyPost's own
 * documented JSON (test/fixtures/carrier-events/easypost/trackers-*.json). Waiting goes through an
 * injected sleep that records what it was asked and moves a fake clock: nothing sleeps for real.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  CarrierResponseError, createEasyPostApi, createRateLimiter, easyPostCarrier, parseRetryAfter, type EasyPostApiOptions,
} from '../../src/carriers/carrier-api.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { fixedClock } from '../../src/clock.ts'
import { fixture, fixtureBytes } from './webhook-kit.ts'

const KEY = 'EZTK_test_key_not_a_real_one'
const BASIC = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`

interface Seen {
  method: string
  path: string
  query: URLSearchParams
  auth: string | undefined
  body: string
}
type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang'
type Handler = (req: Seen) => Answer

const servers: http.Server[] = []
after(() => {
  for (const s of servers) {
    s.closeAllConnections()
    s.close()
  }
})

/** A local EasyPost: checks Basic auth like the real one (401 otherwise), then lets the test answer. */
async function fakeEasyPost(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const s: Seen = { method: req.method ?? '', path: url.pathname, query: url.searchParams, auth: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') }
      seen.push(s)
      if (s.auth !== BASIC) {
        res.writeHead(401, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { code: 'APIKEY.INACTIVE', message: 'This api key is no longer active.', errors: [] } }))
        return
      }
      const answer = handler(s)
      if (answer === 'hang') return // never answers: the client's timeout must end it
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      res.end(typeof answer.body === 'string' || Buffer.isBuffer(answer.body) ? answer.body : JSON.stringify(answer.body ?? {}))
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`, seen }
}

/** The wall time the client is told (for Retry-After as an HTTP date). */
const WALL = new Date('2026-11-20T12:00:00Z')
const clock = fixedClock(WALL)

/** A sleep that records each wait and moves a fake monotonic clock by it. */
function fakeTime() {
  const delays: number[] = []
  let t = 0
  return { delays, now: () => t, sleep: async (ms: number) => void (delays.push(ms), (t += ms)) }
}

function client(url: string, time = fakeTime(), extra: Partial<EasyPostApiOptions> = {}) {
  return createEasyPostApi({ baseUrl: url, apiKey: KEY, ratePerSecond: 100, sleep: time.sleep, now: time.now, random: () => 0.5, clock, ...extra })
}

const list = (...trackers: unknown[]) => ({ status: 200, body: { trackers, has_more: false } })
const easyPostError = (status: number, code: string, message: string): Answer => ({ status, body: { error: { code, message, errors: [] } } })

test('finds an existing tracker with GET /trackers (Basic auth, key as user) and reads its details', async () => {
  const listBody = fixtureBytes('easypost/trackers-list.json')
  const { url, seen } = await fakeEasyPost(() => ({ status: 200, body: listBody }))
  const r = await client(url).fetchTracking('ez1000000001', 'United States Postal Service')
  assert.ok(r)
  assert.deepEqual(r.raw, listBody, 'the raw answer is the body as received')
  assert.deepEqual(r.events.map((e) => [e.trackingNumber, e.carrier, e.status, e.occurredAt.toISOString(), e.location]), [
    ['EZ1000000001', 'USPS', 'pre_transit', '2025-04-09T20:40:17.000Z', null],
    ['EZ1000000001', 'USPS', 'pre_transit', '2025-04-10T09:17:17.000Z', 'HOUSTON, TX'],
  ])
  assert.equal(seen.length, 1)
  assert.deepEqual([seen[0].method, seen[0].path, seen[0].query.get('tracking_code'), seen[0].query.get('carrier')], ['GET', '/v2/trackers', 'EZ1000000001', 'USPS'])
  assert.equal(seen[0].auth, BASIC)
})

test('with no tracker yet, creates one with POST /trackers {tracker: {tracking_code, carrier}}', async () => {
  const { url, seen } = await fakeEasyPost((req) => (req.method === 'GET' ? list() : { status: 201, body: fixture('easypost/trackers-retrieve.json') }))
  const r = await client(url).fetchTracking('EZ1000000001', 'usps')
  assert.equal(r?.events.length, 2)
  assert.deepEqual(seen.map((s) => s.method), ['GET', 'POST'])
  assert.deepEqual(JSON.parse(seen[1].body), { tracker: { tracking_code: 'EZ1000000001', carrier: 'USPS' } })
  // A carrier EasyPost would have to guess is left out: EasyPost detects it from the code.
  assert.equal(easyPostCarrier('Spee-Dee Delivery'), null)
  assert.equal(easyPostCarrier('FDXG'), 'FedEx')
})

test('a wrong key is refused at once (no retry), and the key appears in no error', async () => {
  const { url, seen } = await fakeEasyPost(() => list())
  const api = createEasyPostApi({ baseUrl: url, apiKey: 'EZTK_wrong_key', ratePerSecond: 100, sleep: async () => {}, clock })
  await assert.rejects(api.fetchTracking('EZ1000000001', null), (err: DomainError) => {
    assert.equal(err.code, 'CARRIER_API_REFUSED')
    assert.match(err.message, /HTTP 401: APIKEY\.INACTIVE/)
    assert.doesNotMatch(`${err.message} ${err.stack}`, /EZTK_wrong_key/)
    return true
  })
  assert.equal(seen.length, 1)
})

test('retries a 503 after a backoff, then succeeds', async () => {
  let calls = 0
  const { url, seen } = await fakeEasyPost(() => (++calls === 1 ? easyPostError(503, 'SERVICE.UNAVAILABLE', 'down for a moment') : list(fixture('easypost/trackers-retrieve.json'))))
  const time = fakeTime()
  const r = await client(url, time).fetchTracking('EZ1000000001', null)
  assert.equal(r?.events.length, 2)
  assert.equal(seen.length, 2)
  assert.deepEqual(time.delays, [375], 'first backoff step 500 ms, half fixed + half jitter (random 0.5)')
})

test('honours 429 Retry-After (seconds or an HTTP date) through the injected sleep', async () => {
  const answers: Answer[] = [
    { status: 429, headers: { 'retry-after': '2' }, body: { error: { code: 'RATE_LIMITED', message: 'slow down' } } },
    { status: 429, headers: { 'retry-after': new Date(WALL.getTime() + 30_000).toUTCString() } },
    list(fixture('easypost/trackers-retrieve.json')),
  ]
  const { url, seen } = await fakeEasyPost(() => answers.shift()!)
  const time = fakeTime()
  assert.equal((await client(url, time).fetchTracking('EZ1000000001', null))?.events.length, 2)
  assert.equal(seen.length, 3)
  assert.equal(time.delays[0], 2000)
  assert.equal(time.delays[1], 30_000, 'HTTP-date Retry-After, read against the injected clock')
  assert.equal(parseRetryAfter('soon', WALL), null)
  assert.equal(parseRetryAfter(new Date(WALL.getTime() - 5_000).toUTCString(), WALL), 0, 'a date already past: no wait')
})

test('a Retry-After longer than the limit gives up at once rather than hold the job', async () => {
  const { url, seen } = await fakeEasyPost(() => ({ status: 429, headers: { 'retry-after': '3600' } }))
  const time = fakeTime()
  await assert.rejects(client(url, time).fetchTracking('EZ1000000001', null), /HTTP 429; asked to wait 3600 s, more than 60 s/)
  assert.equal(seen.length, 1)
  assert.deepEqual(time.delays, [])
})

test('times out a server that never answers, on every attempt', async () => {
  const { url, seen } = await fakeEasyPost(() => 'hang')
  const time = fakeTime()
  await assert.rejects(client(url, time, { timeoutMs: 100, retries: 1 }).fetchTracking('EZ1000000001', null), (err: DomainError) => {
    assert.equal(err.code, 'CARRIER_API_UNAVAILABLE')
    assert.match(err.message, /^EasyPost GET \/trackers: gave up after 2 attempts; last: no answer within 100 ms$/)
    return true
  })
  assert.equal(seen.length, 2)
  assert.deepEqual(time.delays, [375])
})

test('gives up after N retries of a 5xx with a clear error, backing off exponentially', async () => {
  const { url, seen } = await fakeEasyPost(() => easyPostError(500, 'INTERNAL_SERVER_ERROR', 'We are working on it'))
  const time = fakeTime()
  await assert.rejects(
    client(url, time, { retries: 3 }).fetchTracking('EZ1000000001', null),
    /^DomainError: EasyPost GET \/trackers: gave up after 4 attempts; last: HTTP 500: INTERNAL_SERVER_ERROR We are working on it$/,
  )
  assert.equal(seen.length, 4)
  assert.deepEqual(time.delays, [375, 750, 1500])
})

test('a refused connection is retried, then reported as a network error', async () => {
  const { url } = await fakeEasyPost(() => list())
  const s = servers.pop()!
  s.close()
  await new Promise((r) => s.once('close', r))
  await assert.rejects(client(url, fakeTime(), { retries: 1 }).fetchTracking('EZ1000000001', null), /gave up after 2 attempts; last: network error: ECONNREFUSED/)
})

test('404, or 422 from POST /trackers (EasyPost cannot match the code), means an unknown number: null', async () => {
  for (const refusal of [easyPostError(404, 'NOT_FOUND', 'not found'), easyPostError(422, 'TRACKER.CREATE.ERROR', 'invalid tracking code')]) {
    const { url, seen } = await fakeEasyPost((req) => (req.method === 'GET' ? list() : refusal))
    assert.equal(await client(url).fetchTracking('NOPE123', null), null)
    assert.deepEqual(seen.map((s) => s.method), ['GET', 'POST'])
  }
  const { url, seen } = await fakeEasyPost(() => list())
  assert.equal(await client(url, fakeTime(), { createTrackers: false }).fetchTracking('NOPE123', null), null)
  assert.equal(seen.length, 1, 'without createTrackers no tracker is bought')
})

test('an answer that is not a tracker is an error that carries the raw body', async () => {
  const { url } = await fakeEasyPost(() => ({ status: 200, body: '<html>maintenance</html>' }))
  await assert.rejects(client(url).fetchTracking('EZ1000000001', null), (err: CarrierResponseError) => {
    assert.ok(err instanceof CarrierResponseError)
    assert.equal(err.code, 'CARRIER_API_RESPONSE_INVALID')
    assert.equal(err.raw.toString(), '<html>maintenance</html>')
    return true
  })
  const bad = fixture('easypost/trackers-retrieve.json')
  bad.tracking_details[0].datetime = 'yesterday'
  const { url: url2 } = await fakeEasyPost(() => list(bad))
  await assert.rejects(client(url2).fetchTracking('EZ1000000001', null), /tracking_details\.0\.datetime/)
})

test('the token bucket lets a burst of one second through, then paces requests', async () => {
  const time = fakeTime()
  const limiter = createRateLimiter(5, { sleep: time.sleep, now: time.now })
  await Promise.all(Array.from({ length: 8 }, () => limiter.take()))
  assert.deepEqual(time.delays, [200, 200, 200])
  time.delays.length = 0
  await time.sleep(1000) // a quiet second refills the bucket
  time.delays.length = 0
  for (let i = 0; i < 5; i++) await limiter.take()
  assert.deepEqual(time.delays, [])
})

test('every HTTP attempt, retries included, waits for the rate limiter', async () => {
  let calls = 0
  const { url, seen } = await fakeEasyPost(() => (++calls % 2 === 1 ? easyPostError(502, 'BAD_GATEWAY', '') : list(fixture('easypost/trackers-retrieve.json'))))
  const time = fakeTime()
  const api = client(url, time, { ratePerSecond: 1 })
  await api.fetchTracking('EZ1000000001', null)
  await api.fetchTracking('EZ1000000001', null)
  assert.equal(seen.length, 4)
  // 1 request a second: the 375 ms backoff leaves 625 ms owed before the retry; then a full second each.
  assert.deepEqual(time.delays, [375, 625, 1000, 375, 625])
})

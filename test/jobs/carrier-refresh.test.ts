/**
 * The carrier refresh job on a real database, polling a local HTTP server that speaks EasyPost's
 * Trackers JSON (the shape of test/fixtures/carrier-events/easypost/trackers-retrieve.json, with
 * this test's tracking codes and scans). Backoff and pacing go through an injected sleep.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { fixture, seedShippedOrder, type Json } from '../carriers/webhook-kit.ts'
import { createEasyPostApi } from '../../src/carriers/carrier-api.ts'
import { refreshStaleShipments } from '../../src/jobs/carrier-refresh.ts'
import { recurringJobs } from '../../src/jobs/queue.ts'
import { getOrderStatus } from '../../src/status/order-status.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { loadConfig } from '../../src/config.ts'
import { fixedClock } from '../../src/clock.ts'

const KEY = 'EZTK_refresh_test_key'
const NOW = new Date('2026-11-20T12:00:00Z')
const hoursLater = (h: number) => new Date(NOW.getTime() + h * 3_600_000)

/** An EasyPost Tracker for `code` whose details are the given scans (fixture shape, new content). */
function tracker(code: string, carrier: string, scans: [status: string, at: string, message: string][]): Json {
  const t = fixture('easypost/trackers-retrieve.json')
  const detail = t.tracking_details[1]
  t.tracking_code = code
  t.carrier = carrier
  t.status = scans[scans.length - 1][0]
  t.est_delivery_date = null
  t.tracking_details = scans.map(([status, datetime, message]) => ({ ...detail, status, datetime, message, source: carrier }))
  return t
}

const trackers = new Map<string, Json>([
  ['1ZSTALE0000000001', tracker('1ZSTALE0000000001', 'UPS', [
    ['in_transit', '2026-11-16T08:00:00Z', 'Departed facility'],
    ['out_for_delivery', '2026-11-19T08:00:00Z', 'Out for delivery'],
    ['delivered', '2026-11-19T15:00:00Z', 'Delivered, front door'],
  ])],
  ['9400QUIET00000000002', tracker('9400QUIET00000000002', 'USPS', [['in_transit', '2026-11-19T09:00:00Z', 'In transit to next facility']])],
  ['1ZFRESH0000000003', tracker('1ZFRESH0000000003', 'UPS', [['delivered', '2026-11-20T11:00:00Z', 'Delivered']])],
  ['1ZCLOSED000000004', tracker('1ZCLOSED000000004', 'UPS', [['delivered', '2026-11-19T11:00:00Z', 'Delivered']])],
])
const BROKEN = '1ZBROKEN000000005'
const GARBLED = '1ZGARBLED00000006'
const asked: string[] = []

let db: Db
let server: http.Server
let baseUrl: string

/** A local EasyPost: Basic auth, GET /trackers from the map, POST /trackers 422 for codes it does not know. */
function handle(req: http.IncomingMessage, body: string, res: http.ServerResponse) {
  const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(typeof json === 'string' ? json : JSON.stringify(json))
  if (req.headers.authorization !== `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`) return send(401, { error: { code: 'APIKEY.REQUIRED', message: 'no key' } })
  const url = new URL(req.url ?? '/', 'http://x')
  const code = req.method === 'GET' ? url.searchParams.get('tracking_code') ?? '' : JSON.parse(body).tracker.tracking_code
  asked.push(`${req.method} ${code}`)
  if (code === BROKEN) return send(503, { error: { code: 'SERVICE.UNAVAILABLE', message: 'down' } })
  if (code === GARBLED) return send(200, '<html>maintenance</html>')
  const t = trackers.get(code)
  if (req.method === 'GET') return send(200, { trackers: t ? [t] : [], has_more: false })
  return t ? send(201, t) : send(422, { error: { code: 'TRACKER.CREATE.ERROR', message: 'invalid tracking code' } })
}

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`
  db = await freshDb()
  await seedCatalog(db)
  const ship = (order: string, tracking: string, shippedAt: string, carrier = 'UPS') =>
    seedShippedOrder(db, { order, sku: 'STOVE-1', placedAt: '2026-11-02T10:00:00Z', carrier, tracking, shippedAt })
  await ship('W-STALE', '1ZSTALE0000000001', '2026-11-15T12:00:00Z')
  await ship('W-QUIET', '9400QUIET00000000002', '2026-11-17T12:00:00Z', 'USPS')
  await ship('W-FRESH', '1ZFRESH0000000003', '2026-11-18T12:00:00Z')
  await ship('W-CLOSED', '1ZCLOSED000000004', '2026-11-10T12:00:00Z')
  await ship('W-BROKEN', BROKEN, '2026-11-12T12:00:00Z')
  await ship('W-GARBLED', GARBLED, '2026-11-13T12:00:00Z')
  await ship('W-UNKNOWN', 'UNKNOWN0000000007', '2026-11-14T12:00:00Z')
  await event('1ZSTALE0000000001', 'in_transit', '2026-11-16T08:00:00Z')
  await event('1ZFRESH0000000003', 'in_transit', '2026-11-20T02:00:00Z') // 10 hours ago: not quiet
  await db.query(`UPDATE order_lines SET closed = true WHERE order_id = (SELECT order_id FROM orders WHERE order_number = 'W-CLOSED')`)
})

after(async () => {
  server.closeAllConnections()
  server.close()
  await db.close()
})

async function event(tracking: string, status: string, at: string) {
  await db.query(`INSERT INTO carrier_events (tracking_number, carrier, status, occurred_at, provider) VALUES ($1, 'UPS', $2, $3, 'test')`, [tracking, status, at])
}

function api() {
  return createEasyPostApi({ baseUrl, apiKey: KEY, ratePerSecond: 50, retries: 1, sleep: async () => {}, random: () => 0, clock: fixedClock(NOW) })
}

async function stateOf(order: string, now: Date) {
  const d = await getOrderStatus(db, order, { now, calendar: await calendarFrom(db, { holidays: [] }) })
  assert.ok(d, order)
  return d.lines[0].status.state
}

const count = async (sql: string, values: unknown[] = []) => (await db.query<{ n: number }>(sql, values))[0].n
const askedFor = (code: string) => asked.filter((a) => a.endsWith(` ${code}`)).length

test('polls the quiet parcels of open lines, oldest first; one failing number does not stop the run', async () => {
  assert.equal(await stateOf('W-STALE', NOW), 'in_transit')
  const r = await refreshStaleShipments(db, api(), { now: NOW, staleHours: 24, limit: 100 })
  assert.deepEqual({ ...r, problems: r.problems.length }, { polled: 5, withNews: 2, unknown: 1, failed: 2, notStored: 0, problems: 2 })
  assert.match(r.problems[0], /^1ZBROKEN000000005: EasyPost GET \/trackers: gave up after 2 attempts; last: HTTP 503: SERVICE.UNAVAILABLE down$/)
  assert.match(r.problems[1], /^1ZGARBLED00000006: EasyPost GET \/trackers: the answer is not JSON$/)
  assert.deepEqual(asked, [
    `GET ${BROKEN}`, `GET ${BROKEN}`, `GET ${GARBLED}`, 'GET UNKNOWN0000000007', 'POST UNKNOWN0000000007',
    'GET 1ZSTALE0000000001', 'GET 9400QUIET00000000002',
  ], 'never the fresh parcel or the closed line')
  assert.equal(askedFor('1ZFRESH0000000003') + askedFor('1ZCLOSED000000004'), 0)

  // The stale parcel is now delivered: status is derived from carrier_events, no sweep needed.
  assert.equal(await stateOf('W-STALE', NOW), 'delivered')
  assert.equal(await stateOf('W-QUIET', NOW), 'in_transit')
  const stored = await db.query<{ source: string; filename: string; status: string }>(
    `SELECT source, filename, status FROM inbound_messages ORDER BY message_id`)
  assert.deepEqual(stored, [
    { source: 'poll:easypost', filename: GARBLED, status: 'quarantined' },
    { source: 'poll:easypost', filename: '1ZSTALE0000000001', status: 'applied' },
    { source: 'poll:easypost', filename: '9400QUIET00000000002', status: 'applied' },
  ])
  assert.equal(await count(`SELECT count(*)::int AS n FROM carrier_events WHERE provider = 'easypost'`), 3, 'the known in_transit scan is not stored twice')
  assert.equal(await count(`SELECT count(*)::int AS n FROM inbound_messages WHERE position($1 in convert_from(body, 'UTF8')) > 0`, [KEY]), 0)
})

test('does not poll the same parcel twice within the window; a failed one is retried after an hour', async () => {
  asked.length = 0
  const soon = await refreshStaleShipments(db, api(), { now: hoursLater(0.5), staleHours: 24, limit: 100 })
  assert.equal(soon.polled, 0)
  const later = await refreshStaleShipments(db, api(), { now: hoursLater(1.5), staleHours: 24, limit: 100 })
  assert.deepEqual([later.polled, later.failed], [2, 2])
  assert.deepEqual([...new Set(asked.map((a) => a.split(' ')[1]))], [BROKEN, GARBLED])
})

test('a replayed identical answer is a duplicate and changes nothing; a delivered parcel is not polled again', async () => {
  asked.length = 0
  const quietEvents = () => count(`SELECT count(*)::int AS n FROM carrier_events WHERE tracking_number = '9400QUIET00000000002'`)
  const before = await quietEvents()
  const r = await refreshStaleShipments(db, api(), { now: hoursLater(25), staleHours: 24, limit: 100 })
  assert.equal(askedFor('1ZSTALE0000000001'), 0, 'delivered is final')
  assert.equal(askedFor('9400QUIET00000000002'), 1)
  // The only news is the parcel that was fresh yesterday and has been quiet since.
  assert.equal(askedFor('1ZFRESH0000000003'), 1)
  assert.equal(r.withNews, 1)
  assert.equal(await quietEvents(), before)
  const [dup] = await db.query<{ status: string; duplicate_of: number | null }>(
    `SELECT status, duplicate_of FROM inbound_messages WHERE filename = '9400QUIET00000000002' ORDER BY message_id DESC LIMIT 1`)
  assert.equal(dup.status, 'duplicate')
  assert.ok(dup.duplicate_of)
  assert.equal(await stateOf('W-QUIET', hoursLater(25)), 'in_transit')
})

test('the limit caps one run; the rest wait for the next', async () => {
  const r = await refreshStaleShipments(db, api(), { now: hoursLater(60), staleHours: 24, limit: 1 })
  assert.equal(r.polled, 1)
})

test('two runs at once (two workers) never ask about the same parcel', async () => {
  asked.length = 0
  const opts = { now: hoursLater(200), staleHours: 24, limit: 100 }
  const [a, b] = await Promise.all([refreshStaleShipments(db, api(), opts), refreshStaleShipments(db, api(), opts)])
  assert.equal(a.polled + b.polled, 4, 'the quiet, broken, garbled and unknown parcels, once each')
  assert.deepEqual([askedFor('9400QUIET00000000002'), askedFor(GARBLED), askedFor(BROKEN)], [1, 1, 2])
})

test('polling is off without CARRIER_API_KEY: the job list has no carrier.refresh', () => {
  const names = (env: Record<string, string>) =>
    recurringJobs({} as Db, { clock: fixedClock(NOW), config: loadConfig({ WISMO_DATA_DIR: '/tmp/wismo-no-such-dir', ...env }) })
  assert.ok(!names({}).some((j) => j.name === 'carrier.refresh'))
  const on = names({ CARRIER_API_KEY: KEY }).find((j) => j.name === 'carrier.refresh')
  assert.equal(on?.everySeconds, 900)
  const config = loadConfig({ CARRIER_API_KEY: KEY })
  assert.deepEqual([config.carrierApiUrl, config.carrierPollStaleHours, config.carrierPollRatePerSecond], ['https://api.easypost.com/v2', 24, 5])
})

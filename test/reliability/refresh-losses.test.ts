/**
 * The carrier refresh when wismo's own database fails with an answer in hand: not counted as a
 * bad number, logged, kept `received` (wismo feeds shows why), and finished by the next sweep.
 * The failure is real: a column the events need is renamed away under the job, then back.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { fixture, seedShippedOrder } from '../carriers/webhook-kit.ts'
import { createEasyPostApi } from '../../src/carriers/carrier-api.ts'
import { refreshStaleShipments } from '../../src/jobs/carrier-refresh.ts'
import { finishUnfinished } from '../../src/feeds/finish-inbound.ts'
import { listFeeds } from '../../src/store/inbound.ts'

const NUMBER = '1ZLOST00000000001'
const NOW = new Date('2026-11-20T12:00:00Z')

test('an answer the database could not take is logged, shown, and finished by the next sweep', async (t) => {
  const tracker = fixture('easypost/trackers-retrieve.json')
  tracker.tracking_code = NUMBER
  tracker.carrier = 'UPS'
  tracker.tracking_details = [{ ...tracker.tracking_details[1], status: 'in_transit', datetime: '2026-11-18T08:00:00Z', message: 'Departed facility' }]
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ trackers: [tracker], has_more: false })))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const db = await freshDb()
  t.after(async () => {
    server.close()
    await db.close()
  })
  await seedCatalog(db)
  await seedShippedOrder(db, { order: 'W-LOST', sku: 'STOVE-1', placedAt: '2026-11-02T10:00:00Z', carrier: 'UPS', tracking: NUMBER, shippedAt: '2026-11-16T12:00:00Z' })
  const api = createEasyPostApi({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`, apiKey: 'k', ratePerSecond: 100, retries: 0, clock: { now: () => NOW } })
  const logged: string[] = []
  await db.query('ALTER TABLE carrier_events RENAME COLUMN estimated_delivery TO estimated_away')
  const r = await refreshStaleShipments(db, api, { now: NOW, staleHours: 24, limit: 10, log: (s) => logged.push(s) })
  await db.query('ALTER TABLE carrier_events RENAME COLUMN estimated_away TO estimated_delivery')
  assert.deepEqual({ polled: r.polled, failed: r.failed, notStored: r.notStored }, { polled: 1, failed: 0, notStored: 1 })
  assert.match(logged.join('\n'), new RegExp(`carrier.refresh: ${NUMBER}: the answer could not be stored or applied: .*estimated_delivery`))
  const [feed] = await listFeeds(db)
  assert.equal(feed.status, 'received')
  assert.match(feed.reason ?? '', /^not applied yet: .*estimated_delivery/)
  const done = await finishUnfinished(db, { now: new Date(NOW.getTime() + 60_000) })
  assert.deepEqual({ ...done, problems: done.problems.length }, { finished: 1, quarantined: 0, failed: 0, problems: 0 })
  const [after] = await listFeeds(db)
  assert.deepEqual([after.status, after.attempts], ['applied', 2])
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM carrier_events WHERE tracking_number = $1', [NUMBER])
  assert.equal(n, 1)
})

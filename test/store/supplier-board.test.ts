import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { feed } from '../outreach/helpers.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { loadSupplierBoard } from '../../src/store/supplier-board.ts'

let db: Db
before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'B1', email: 'a@example.com', placedAt: '2026-11-18T15:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
  await seedOrder(db, { orderNumber: 'B2', email: 'b@example.com', placedAt: '2026-11-18T15:00:00Z', lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'BOLT' }] })
  // Both answered on Friday 2026-11-20 at 13:00 EST; ACME once more at 14:00 on Monday.
  await feed(db, ['B1,1,,accepted,1,,,'], '2026-11-20T18:00:00Z', 'ACME')
  await feed(db, ['B2,1,,accepted,1,,,'], '2026-11-20T18:00:00Z', 'BOLT')
  await feed(db, ['B1,1,,accepted,1,,,'], '2026-11-23T19:00:00Z', 'ACME')
})
after(() => db.close())

const row = async (now: string, id: string, cal = DEFAULT_CALENDAR) => (await loadSupplierBoard(db, new Date(now), cal)).find((r) => r.supplierId === id)!

test('silence on the supplier board is in business hours: a Friday feed is not three days old on Monday', async () => {
  const monday = await row('2026-11-23T13:00:00Z', 'BOLT') // 08:00 EST
  assert.equal(monday.silentBusinessHours, 19)
  assert.equal(monday.silent, false)
  const afternoon = await row('2026-11-23T20:00:00Z', 'BOLT') // 15:00 EST, no Monday feed
  assert.equal(afternoon.silentBusinessHours, 26)
  assert.equal(afternoon.silent, true)
  const acme = await row('2026-11-23T20:00:00Z', 'ACME')
  assert.equal(acme.silentBusinessHours, 1)
  assert.equal(acme.silent, false)
  // A holiday does not count either (a Monday off, here).
  const mondayOff = { ...DEFAULT_CALENDAR, holidays: ['2026-11-23'] }
  assert.equal((await row('2026-11-24T13:00:00Z', 'BOLT', mondayOff)).silentBusinessHours, 19)
})

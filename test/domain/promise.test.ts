import { test } from 'node:test'
import assert from 'node:assert/strict'
import { promiseFor, type PromiseOffer } from '../../src/domain/promise.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'

const cal = { ...DEFAULT_CALENDAR, holidays: ['2026-11-26'] }
const offer = (o: Partial<PromiseOffer>): PromiseOffer => ({ supplierId: 'A', availableQty: 0, restockDate: null, leadTimeDays: 2, backorderDays: [], ...o })

test('in stock: lead time on the business calendar (Thanksgiving skipped), then transit', () => {
  const p = promiseFor({ qty: 1, today: '2026-11-24', calendar: cal, offers: [offer({ availableQty: 3 })] })
  // Tue 24 + 2 business days, the 26th a holiday: Wed 25, Fri 27. Then 2–5: Tue Dec 1 .. Fri Dec 4.
  assert.deepEqual([p.inStock, p.ship, p.arrive?.earliest, p.arrive?.latest, p.arrive?.source], [true, { earliest: '2026-11-27', latest: '2026-11-27' }, '2026-12-01', '2026-12-04', 'promise'])
})

test("history: the supplier's past backorders, median to 90th percentile; fewer than 3 say nothing", () => {
  const base = { qty: 1, today: '2026-11-02' as const, calendar: DEFAULT_CALENDAR }
  assert.deepEqual(promiseFor({ ...base, offers: [offer({ backorderDays: [5, 9] })] }), { inStock: false, ship: null, arrive: null })
  const p = promiseFor({ ...base, offers: [offer({ backorderDays: [3, 5, 7, 9, 30] })] })
  assert.deepEqual([p.ship, p.arrive?.source], [{ earliest: '2026-11-09', latest: '2026-12-02' }, 'history'])
  assert.match(p.arrive!.basis, /last 5 backorders/)
})

test('a restock date already past ships from today, never in the past; the order of offers never changes the answer', () => {
  const offers = [offer({ supplierId: 'B', restockDate: '2026-10-01' }), offer({ supplierId: 'C', restockDate: '2026-12-20' }), offer({ supplierId: 'D', availableQty: null })]
  const a = promiseFor({ qty: 2, today: '2026-11-02', calendar: DEFAULT_CALENDAR, offers })
  assert.deepEqual(a.ship, { earliest: '2026-11-02', latest: '2026-11-02' })
  assert.deepEqual(promiseFor({ qty: 2, today: '2026-11-02', calendar: DEFAULT_CALENDAR, offers: [...offers].reverse() }), a)
  assert.equal(a.inStock, false, 'a supplier that has not said its stock is not "in stock"')
})

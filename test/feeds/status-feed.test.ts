import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseStatusFeed } from '../../src/feeds/csv/status-feed.ts'
import { DomainError } from '../../src/domain/errors.ts'

const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'

test('a status feed becomes one signal per row', () => {
  const signals = parseStatusFeed(
    `\uFEFF${HEADER}\r\nPO-1,1,TENT,backordered,2,2026-12-10,,\r\nPO-1,2,STOVE,shipped,1,,UPS,1Z999AA10123456784\r\n`,
  )
  assert.equal(signals.length, 2)
  assert.deepEqual(
    { ...signals[0] },
    {
      poNumber: 'PO-1', poLine: '1', sku: 'TENT', status: 'backordered', qty: 2, expectedShipDate: '2026-12-10',
      carrier: null, trackingNumber: null, rawCode: 'csv backordered', location: 'line 2',
    },
  )
  assert.equal(signals[1].trackingNumber, '1Z999AA10123456784')
})

test('statuses are case-insensitive and unknown columns are ignored', () => {
  const [s] = parseStatusFeed(`note,${HEADER}\nhello,PO-2,1,,ACCEPTED,,,,\n`)
  assert.equal(s.status, 'accepted')
  assert.equal(s.qty, null)
})

test('every bad row is named by its line, and the whole file is refused', () => {
  const text = [
    HEADER,
    'PO-1,1,TENT,lost,2,,,',
    'PO-1,2,TENT,backordered,-1,2026-13-45,,',
    ',3,TENT,accepted,,,,',
    'PO-1,4,TENT,shipped,1,,UPS,',
    'PO-1,5,TENT,accepted,two,,,',
    'PO-1,6,TENT,accepted,1,2026-02-30,,',
  ].join('\n')
  assert.throws(() => parseStatusFeed(text), (err: unknown) => {
    assert.ok(err instanceof DomainError)
    assert.equal(err.code, 'FEED_CSV_INVALID')
    assert.deepEqual(err.details, [
      'line 2: status: must be one of accepted, backordered, shipped, cancelled, rejected',
      'line 3: qty: must not be negative',
      'line 3: expected_ship_date: must be a real date',
      'line 4: po_number: required',
      'line 5: tracking_number: required when status is shipped',
      'line 6: qty: must be a whole number',
      'line 7: expected_ship_date: must be a real date',
    ])
    return true
  })
})

test('a header without the required columns is refused', () => {
  assert.throws(() => parseStatusFeed('po,line,state\n1,1,accepted\n'), /header lacks/)
})

test('an unclosed quote is refused with its line', () => {
  assert.throws(() => parseStatusFeed(`${HEADER}\nPO-1,1,"TENT,accepted,1,,,\n`), (err: unknown) => {
    assert.ok(err instanceof DomainError)
    assert.match(err.details[0], /^line \d+: /)
    return true
  })
})

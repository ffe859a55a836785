import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseStatusFeed } from '../../src/feeds/csv/status-feed.ts'
import { DomainError } from '../../src/domain/errors.ts'

const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'

test('a status feed becomes one signal per row', async () => {
  const signals = await parseStatusFeed(
    `\uFEFF${HEADER}\r\nPO-1,1,TENT,backordered,2,2026-12-10,,\r\nPO-1,2,STOVE,shipped,1,,UPS,1Z999AA10123456784\r\n`,
  )
  assert.equal(signals.length, 2)
  assert.deepEqual(
    { ...signals[0] },
    {
      poNumber: 'PO-1', poLine: '1', sku: 'TENT', status: 'backordered', qty: 2, expectedShipDate: '2026-12-10',
      carrier: null, trackingNumber: null, service: null, rawCode: 'csv backordered', location: 'line 2',
    },
  )
  assert.equal(signals[1].trackingNumber, '1Z999AA10123456784')
})

test('an optional service column names the carrier service of a shipped row', async () => {
  const [s] = await parseStatusFeed(`${HEADER},service\nPO-1,2,STOVE,shipped,1,,UPS,1Z999AA10123456784, UPS Ground \n`)
  assert.deepEqual([s.carrier, s.service], ['UPS', 'UPS Ground'])
})

test('statuses are case-insensitive and unknown columns are ignored', async () => {
  const [s] = await parseStatusFeed(`note,${HEADER}\nhello,PO-2,1,,ACCEPTED,,,,\n`)
  assert.equal(s.status, 'accepted')
  assert.equal(s.qty, null)
})

test('every bad row is named by its line, and the whole file is refused', async () => {
  const text = [
    HEADER,
    'PO-1,1,TENT,lost,2,,,',
    'PO-1,2,TENT,backordered,-1,2026-13-45,,',
    ',3,TENT,accepted,,,,',
    'PO-1,4,TENT,shipped,1,,UPS,',
    'PO-1,5,TENT,accepted,two,,,',
    'PO-1,6,TENT,accepted,1,2026-02-30,,',
  ].join('\n')
  await assert.rejects(() => parseStatusFeed(text), (err: unknown) => {
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

test('a header without the required columns is refused', async () => {
  await assert.rejects(() => parseStatusFeed('po,line,state\n1,1,accepted\n'), /header lacks/)
})

test('an unclosed quote is refused with its line', async () => {
  await assert.rejects(() => parseStatusFeed(`${HEADER}\nPO-1,1,ok,accepted,1,,,\nPO-1,2,"TENT,accepted,1,,,\n`), (err: unknown) => {
    assert.ok(err instanceof DomainError)
    assert.match(err.details[0], /^line 3: a quoted field starts here and is never closed/)
    return true
  })
})

test('a NUL byte is refused with its line and field, before anything reaches the database', async () => {
  await assert.rejects(() => parseStatusFeed(`${HEADER}\nPO-1,1,ok,accepted,1,,,\nPO-1,2,TE\u0000NT,accepted,1,,,\n`), (err: unknown) => {
    assert.ok(err instanceof DomainError)
    assert.match(err.details[0], /^line 3: field 3 holds a NUL byte/)
    return true
  })
})

test('the one CSV reader: a quoted header name and a quoted field with line breaks; later rows keep their physical line', async () => {
  const text = [
    '"po_number","po_line",sku,"status",qty,expected_ship_date,"carrier, if any",tracking_number',
    'PO-1,1,"TENT\r\n(green, 2P)",backordered,2,2026-12-10,,',
    'PO-1,2,"STOVE',
    'with a note',
    'over three lines",accepted,1,,,',
    'PO-1,3,LAMP,lost,1,,,',
  ].join('\r\n')
  await assert.rejects(() => parseStatusFeed(text), (err: unknown) => {
    assert.ok(err instanceof DomainError)
    assert.deepEqual(err.details, ['line 7: status: must be one of accepted, backordered, shipped, cancelled, rejected'])
    return true
  })
  const ok = await parseStatusFeed(text.replace('LAMP,lost', 'LAMP,accepted'))
  assert.deepEqual(ok.map((s) => [s.location, s.sku, s.status]), [
    ['line 2', 'TENT\r\n(green, 2P)', 'backordered'],
    ['line 4', 'STOVE\r\nwith a note\r\nover three lines', 'accepted'],
    ['line 7', 'LAMP', 'accepted'],
  ])
  // A header whose quoted name holds a comma is one column, not two: the rest still line up.
  assert.equal(ok[0].carrier, null)
  assert.equal(ok[0].trackingNumber, null)
})

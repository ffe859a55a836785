import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { parseProfile, type Profile } from '../../src/feeds/profiles/profile-schema.ts'
import { readProfiled } from '../../src/feeds/profiles/read-profiled.ts'
import { readSupplierFile } from '../../src/feeds/profiles/supplier-file.ts'
import { readDate, readQuantity, readStatus } from '../../src/feeds/profiles/read-cell.ts'
import { DomainError } from '../../src/domain/errors.ts'

const docs = (name: string) => parseProfile(fs.readFileSync(new URL(`../../docs/profiles/${name}.json`, import.meta.url), 'utf8'))
const profile = (p: object): Profile => parseProfile(JSON.stringify(p))

function detailsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof DomainError, String(err))
    return err.details
  }
  assert.fail('expected a DomainError')
}

test('the example profiles in docs/profiles are valid', () => {
  assert.equal(docs('northwind-open-order-report').target, 'status')
  assert.equal(docs('alpenwerk-status-csv').delimiter, ';')
  assert.equal(docs('peak-dropship-inventory').target, 'offers')
})

test('a bad profile is refused with each place and problem', () => {
  const details = detailsOf(() => profile({
    target: 'status',
    sheet: 0,
    colums: {},
    columns: { po_number: ['PO #'], ship_date: ['Ship'], status: [] },
    statuses: { 'B/O': 'back ordered' },
    dateFormats: ['MM/dd/yyyy', 'nonsense'],
    quantityUnits: { CS: 0 },
  }))
  assert.deepEqual(details, [
    'sheet: Too small: expected number to be >=1',
    'columns.status: Too small: expected array to have >=1 items',
    'dateFormats.1: is not a date format luxon can read back a full date with (e.g. "MM/dd/yyyy", "dd.MM.yyyy", "d MMM yyyy")',
    'quantityUnits.CS: Too small: expected number to be >=1',
    '(top): Unrecognized key: "colums"',
  ].concat(details.slice(5)))
  assert.ok(details.includes('columns.ship_date: is not a field of the status feed; expected one of po_number, po_line, sku, status, qty, expected_ship_date, carrier, service, tracking_number'), details.join('\n'))
  assert.ok(details.includes('statuses."B/O": "back ordered" is not a status word of the status feed; expected one of accepted, backordered, shipped, cancelled, rejected'), details.join('\n'))
  assert.deepEqual(detailsOf(() => parseProfile('{"target": "status",')).length, 1)
  assert.deepEqual(detailsOf(() => profile({ target: 'status', columns: { po_number: 'PO', status: 'St' }, statuses: { 'B/O': 'backordered', ' b/o': 'shipped' } })), [
    'statuses." b/o": is the same word as "B/O" (case and spaces do not count)',
  ])
  assert.deepEqual(detailsOf(() => profile({ target: 'offers', columns: { available_qty: 'Qty' } })), ['columns: must map sku or supplier_sku (the offers file needs it)'])
})

test('status words: the profile\'s, any case and spacing, else wismo\'s own; others refused', () => {
  const words = { 'B/O': 'backordered', 'Back Order': 'backordered', OOS: 'backordered', 'Partial Ship': 'shipped', Partial: 'shipped' }
  const own = ['accepted', 'backordered', 'shipped', 'cancelled', 'rejected']
  assert.deepEqual(readStatus(' b/o ', words, own), { value: 'backordered' })
  assert.deepEqual(readStatus('BACK   ORDER', words, own), { value: 'backordered' })
  assert.deepEqual(readStatus('oos', words, own), { value: 'backordered' })
  assert.deepEqual(readStatus('Partial', words, own), { value: 'shipped' })
  assert.deepEqual(readStatus('Cancelled', words, own), { value: 'cancelled' })
  assert.match((readStatus('Lost', words, own) as { problem: string }).problem, /^"Lost" is not a status word of this profile \(known: B\/O, Back Order/)
})

test('quantities with units: "12 EA", "2 CS", "2 cases", "1,200"; unknown units and fractions refused', () => {
  const units = { EA: 1, CS: 12, case: 12 }
  assert.deepEqual(readQuantity('12 EA', units), { value: '12' })
  assert.deepEqual(readQuantity('2 CS', units), { value: '24' })
  assert.deepEqual(readQuantity('2 cases', units), { value: '24' })
  assert.deepEqual(readQuantity('2cs', units), { value: '24' })
  assert.deepEqual(readQuantity('1,200', units), { value: '1200' })
  assert.deepEqual(readQuantity('3.0', units), { value: '3' })
  assert.deepEqual(readQuantity(7, units), { value: '7' })
  assert.match((readQuantity('2 PAL', units) as { problem: string }).problem, /unit "PAL" in "2 PAL" is not known \(known units: EA, CS, case\)/)
  assert.match((readQuantity('2.5', units) as { problem: string }).problem, /not a whole number/)
  assert.match((readQuantity('12 EA', undefined) as { problem: string }).problem, /the profile has no quantityUnits/)
  assert.match((readQuantity('some', units) as { problem: string }).problem, /not a quantity/)
})

test('a European CSV: ";" separator, dd.MM.yyyy dates, German and English words, a default carrier', async () => {
  const body = fs.readFileSync(new URL('../fixtures/profiles/alpenwerk-status.csv', import.meta.url))
  const file = readSupplierFile(await readProfiled(body, 'status.csv', docs('alpenwerk-status-csv')))
  assert.equal(file.target, 'status')
  if (file.target !== 'status') return
  assert.deepEqual(file.signals.map((s) => [s.location, s.poNumber, s.poLine, s.status, s.qty, s.expectedShipDate, s.carrier]), [
    ['line 2', 'PO-A200', '1', 'backordered', 2, '2026-12-15', 'DHL'],
    ['line 3', 'PO-A200', '2', 'shipped', 1, null, 'DHL'],
    ['line 4', 'PO-A201', '1', 'backordered', 1, '2027-01-08', 'DHL'],
    ['line 5', 'PO-A202', '1', 'accepted', 1, '2026-12-22', 'DHL'],
  ])
})

test('the header is found below a title block, or taken from headerRow; a file without it is refused', async () => {
  const p = { target: 'status', columns: { po_number: ['PO Number', 'PO'], po_line: 'Line', status: 'Status' } }
  const csv = 'Status report for Trailhead\n\nPO Number,Line,Status\nPO-1,1,Shipped\n'
  const auto = await readProfiled(Buffer.from(csv), 'x.csv', profile(p))
  assert.equal(auto.headerLine, 3)
  assert.deepEqual(auto.rows.map((r) => [r.line, r.record.po_number, r.record.status]), [[4, 'PO-1', 'shipped']])
  await assert.rejects(() => readProfiled(Buffer.from(csv), 'x.csv', profile({ ...p, headerRow: 1 })), (e: DomainError) => {
    assert.deepEqual(e.details, ['line 1: header: missing column po_number ("PO Number" or "PO"), status ("Status")'])
    return true
  })
  await assert.rejects(() => readProfiled(Buffer.from('a,b\n1,2\n'), 'x.csv', profile(p)), (e: DomainError) => {
    assert.deepEqual(e.details, ['line 1: header: no row among the first 50 holds the columns po_number ("PO Number" or "PO"), status ("Status")'])
    return true
  })
})

test('every row the profile cannot read is named by line and field, and the whole file refused', async () => {
  const p = docs('alpenwerk-status-csv')
  const body = [
    'Bestellnummer;Pos.;Status;Menge;Liefertermin;Sendungsnummer',
    'PO-1;1;Rückstand;2 Paletten;15.12.2026;',
    'PO-1;2;Verloren;1;;',
    'PO-1;3;Versandt;1;;',
    'PO-1;4;Rückstand;1;31.02.2026;',
    'PO-1;5;Bestätigt;1;22.12.2026;',
  ].join('\n')
  const read = await readProfiled(Buffer.from(body), 'x.csv', p)
  const details = detailsOf(() => readSupplierFile(read))
  assert.deepEqual(details, [
    'line 2: qty: unit "Paletten" in "2 Paletten" is not known (known units: Stk, Stück, pcs, Karton)',
    'line 3: status: "Verloren" is not a status word of this profile (known: Bestätigt, In Bearbeitung, Confirmed, Rückstand, Lieferrückstand, Back Order, Versandt, Versendet, Teillieferung, Shipped, Storniert, Abgelehnt, accepted, backordered, shipped, cancelled, rejected)',
    'line 4: tracking_number: required when status is shipped',
    'line 5: expected_ship_date: "31.02.2026" is not a date in YYYY-MM-DD or "dd.MM.yyyy", "d.M.yyyy", "dd.MM.yy"',
  ])
})

test('an offers profile: "In Stock"/"OOS", "12 EA"/"2 CS", a 1904 workbook\'s restock date', async () => {
  const body = fs.readFileSync(new URL('../fixtures/profiles/peak-inventory.xlsx', import.meta.url))
  const file = readSupplierFile(await readProfiled(body, 'inventory.xlsx', docs('peak-dropship-inventory')))
  assert.equal(file.target, 'offers')
  if (file.target !== 'offers') return
  assert.deepEqual(file.updates.map((u) => [u.location, u.sku, u.supplierSku, u.availableQty, u.restockDate]), [
    ['line 2', 'TENT-2P-GRN', 'PD-88121', 12, null],
    ['line 3', 'STOVE-1', 'PD-88122', 0, '2026-12-15'],
    ['line 4', 'TENT-2P-BLU', 'PD-88123', 24, null],
  ])
})

test('the distributor report: named sheet, header on row 5, date cells, text dates, a serial, a footer skipped', async () => {
  const body = fs.readFileSync(new URL('../fixtures/profiles/northwind-open-orders.xlsx', import.meta.url))
  const read = await readProfiled(body, 'open-orders.xlsx', docs('northwind-open-order-report'))
  assert.equal(read.where, 'sheet "Open Orders"')
  const file = readSupplierFile(read)
  if (file.target !== 'status') return assert.fail('status')
  assert.deepEqual(file.signals.map((s) => [s.location, s.poNumber, s.poLine, s.status, s.qty, s.expectedShipDate, s.trackingNumber]), [
    ['line 6', 'PO-N100', '1', 'backordered', 2, '2026-12-05', null],
    ['line 7', 'PO-N100', '2', 'shipped', 1, null, '1Z999AA10123456784'],
    ['line 8', 'PO-N101', '1', 'backordered', 1, '2026-12-18', null],
    ['line 9', 'PO-N102', '1', 'shipped', 1, '2026-12-18', '449044304137821'],
  ])
  const { skipRows: _, ...noFooter } = docs('northwind-open-order-report')
  await assert.rejects(async () => readSupplierFile(await readProfiled(body, 'open-orders.xlsx', noFooter)), (e: DomainError) => {
    assert.deepEqual(e.details, ['line 11: status: must be one of accepted, backordered, shipped, cancelled, rejected'])
    assert.equal(e.message, '1 bad row (sheet "Open Orders")')
    return true
  })
})

test('text dates in the profile\'s formats and language; ISO always', () => {
  assert.deepEqual(readDate('15.12.2026', ['dd.MM.yyyy'], false), { value: '2026-12-15' })
  assert.deepEqual(readDate('3/7/26', ['MM/dd/yyyy', 'M/d/yy'], false), { value: '2026-03-07' })
  assert.deepEqual(readDate('2026-12-15', [], false), { value: '2026-12-15' })
  assert.deepEqual(readDate('2026-12-15T00:00:00', [], false), { value: '2026-12-15' })
  assert.deepEqual(readDate('15 Dec 2026', ['d MMM yyyy'], false), { value: '2026-12-15' })
  assert.deepEqual(readDate('15. Dez. 2026', ['d. MMM yyyy'], false, 'de-DE'), { value: '2026-12-15' })
  assert.match((readDate('15. Dez. 2026', ['d. MMM yyyy'], false) as { problem: string }).problem, /is not a date in/)
  assert.match((readDate('2026-02-30', [], false) as { problem: string }).problem, /not a real date/)
  assert.equal(profile({ target: 'status', columns: { po_number: 'PO', status: 'S' }, dateLocale: 'de-DE' }).dateLocale, 'de-DE')
  for (const bad of ['de_DE!', 'zz-ZZ-nonsense-tag-x']) {
    assert.deepEqual(detailsOf(() => profile({ target: 'status', columns: { po_number: 'PO', status: 'S' }, dateLocale: bad })), [
      'dateLocale: is not a locale this system knows (e.g. "de-DE", "fr-FR")',
    ])
  }
})

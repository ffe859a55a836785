import { test } from 'node:test'
import assert from 'node:assert/strict'
import ExcelJS from 'exceljs'
import { excelCellDate, excelSerialToDate } from '../../src/feeds/profiles/excel-dates.ts'
import { looksLikeXlsx, readXlsxSheet } from '../../src/feeds/profiles/xlsx.ts'
import { readProfiled } from '../../src/feeds/profiles/read-profiled.ts'
import { parseProfile } from '../../src/feeds/profiles/profile-schema.ts'

async function book(fill: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  fill(wb)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

test('Excel 1900 serials: day 1 is 1900-01-01, day 60 is the 29 February that never was', () => {
  assert.deepEqual(excelSerialToDate(1), { date: '1900-01-01' })
  assert.deepEqual(excelSerialToDate(59), { date: '1900-02-28' })
  assert.match((excelSerialToDate(60) as { problem: string }).problem, /1900-02-29, a day that never was/)
  assert.deepEqual(excelSerialToDate(61), { date: '1900-03-01' })
  assert.deepEqual(excelSerialToDate(45658), { date: '2025-01-01' })
  assert.deepEqual(excelSerialToDate(46374.75), { date: '2026-12-18' }, 'a time of day is dropped')
  assert.ok('problem' in excelSerialToDate(0))
  assert.ok('problem' in excelSerialToDate(-3))
})

test('Excel 1904 serials count from 1904-01-01 (day 0), 1462 days after the 1900 system', () => {
  assert.deepEqual(excelSerialToDate(0, true), { date: '1904-01-01' })
  assert.deepEqual(excelSerialToDate(45658 - 1462, true), { date: '2025-01-01' })
  assert.deepEqual(excelSerialToDate(60, true), { date: '1904-03-01' }, 'no phantom day in 1904')
})

test('date cells read back as the day written, across the 1900 leap-year bug and in 1904 workbooks', async () => {
  const body = await book((wb) => {
    const ws = wb.addWorksheet('Dates')
    ws.addRow(['serial'])
    for (const v of [59, 61, 46374]) ws.addRow([v]).getCell(1).numFmt = 'yyyy-mm-dd'
    ws.addRow([new Date('2026-12-05T00:00:00Z')]).getCell(1).numFmt = 'mm/dd/yyyy'
  })
  const sheet = await readXlsxSheet(body)
  const cells = sheet.rows.slice(1).map((r) => r.cells[0])
  assert.ok(cells.every((c) => c instanceof Date), 'exceljs gives Date objects for date-formatted cells')
  assert.deepEqual(cells.map((c) => excelCellDate(c as Date)), [
    { date: '1900-02-28' }, { date: '1900-03-01' }, { date: '2026-12-18' }, { date: '2026-12-05' },
  ])
  const mac = await book((wb) => {
    ;(wb.properties as { date1904?: boolean }).date1904 = true
    const ws = wb.addWorksheet('Mac')
    ws.addRow([new Date('2026-12-05T00:00:00Z')]).getCell(1).numFmt = 'yyyy-mm-dd'
  })
  const macSheet = await readXlsxSheet(mac)
  assert.equal(macSheet.date1904, true)
  assert.deepEqual(excelCellDate(macSheet.rows[0].cells[0] as Date), { date: '2026-12-05' })
})

test('the day as written does not move with the time zone', async () => {
  const before = process.env.TZ
  process.env.TZ = 'Pacific/Honolulu'
  try {
    assert.deepEqual(excelCellDate(new Date(Date.UTC(2026, 11, 5))), { date: '2026-12-05' })
  } finally {
    process.env.TZ = before
  }
})

test('XLSX is told by the ZIP magic or the name; the sheet by name or position, else the first', async () => {
  const body = await book((wb) => {
    wb.addWorksheet('Summary').addRow(['nothing here'])
    wb.addWorksheet('Open Orders').addRow(['po_number', 'status'])
  })
  assert.equal(looksLikeXlsx(body, null), true)
  assert.equal(looksLikeXlsx(Buffer.from('po_number,status\n'), 'feed.csv'), false)
  assert.equal((await readXlsxSheet(body)).sheet, 'Summary')
  assert.equal((await readXlsxSheet(body, 'open orders')).sheet, 'Open Orders')
  assert.equal((await readXlsxSheet(body, 2)).sheet, 'Open Orders')
  await assert.rejects(() => readXlsxSheet(body, 'Backorders'), (e: Error & { details: string[] }) => {
    assert.match(e.message, /no sheet "Backorders"/)
    assert.deepEqual(e.details, ['(file): sheets are "Summary", "Open Orders"'])
    return true
  })
  await assert.rejects(() => readXlsxSheet(Buffer.from('PK\x03\x04 not really a zip')), /cannot be read/)
})

test('an XLSX without a profile is read with wismo\'s own header on the first sheet', async () => {
  const body = await book((wb) => {
    const ws = wb.addWorksheet('Feed')
    ws.addRow(['po_number', 'po_line', 'status', 'qty', 'expected_ship_date'])
    ws.addRow(['PO-1', 1, 'Backordered', 2, new Date('2026-12-10T00:00:00Z')]).getCell(5).numFmt = 'yyyy-mm-dd'
    ws.addRow(['PO-1', 2, 'accepted', 1, 46374])
  })
  const read = await readProfiled(body, null, null)
  assert.deepEqual(read.problems, [])
  assert.deepEqual(read.rows.map((r) => [r.line, r.record.po_line, r.record.status, r.record.expected_ship_date]), [
    [2, '1', 'backordered', '2026-12-10'],
    [3, '2', 'accepted', '2026-12-18'],
  ])
})

test('text and serial dates in an XLSX read under the profile\'s formats; unreadable ones by sheet row', async () => {
  const profile = parseProfile(JSON.stringify({
    target: 'status', columns: { po_number: 'PO', po_line: 'Line', status: 'Status', expected_ship_date: 'Ship' },
    statuses: { 'B/O': 'backordered' }, dateFormats: ['MM/dd/yyyy', 'd MMM yyyy'],
  }))
  const body = await book((wb) => {
    const ws = wb.addWorksheet('S')
    ws.addRow(['Weekly status'])
    ws.addRow([])
    ws.addRow(['PO', 'Line', 'Status', 'Ship'])
    ws.addRow(['PO-1', 1, 'B/O', '12/05/2026'])
    ws.addRow(['PO-1', 2, 'b/o', '5 Dec 2026'])
    ws.addRow(['PO-1', 3, 'B/O', 60])
    ws.addRow(['PO-1', 4, 'B/O', '2026-12-05'])
    ws.addRow(['PO-1', 5, 'B/O', '31/12/2026'])
  })
  const read = await readProfiled(body, 'status.xlsx', profile)
  assert.equal(read.headerLine, 3, 'the header found below the title block')
  assert.deepEqual(read.rows.map((r) => r.record.expected_ship_date ?? null), ['2026-12-05', '2026-12-05', null, '2026-12-05', null])
  assert.deepEqual(read.problems, [
    "line 6: expected_ship_date: Excel serial 60 is 1900-02-29, a day that never was (Excel's 1900 leap-year bug)",
    'line 8: expected_ship_date: "31/12/2026" is not a date in YYYY-MM-DD or "MM/dd/yyyy", "d MMM yyyy"',
  ])
})

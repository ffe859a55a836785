/**
 * Reads one sheet of an XLSX workbook (exceljs) into rows of cells, each with its sheet row
 * number — the line a problem is reported on.
 */
import type ExcelJS from 'exceljs'
import { DomainError } from '../../domain/errors.ts'

/** A cell as a profile reads it: text, a number, or the Date exceljs makes of a date-formatted cell. */
export type Cell = string | number | Date | null

export interface SheetRows {
  sheet: string
  /** The workbook counts days from 1904 (old Mac workbooks): numbers in date columns read so. */
  date1904: boolean
  rows: { line: number; cells: Cell[] }[]
}

/** An XLSX file is a ZIP archive: `PK\x03\x04` first. */
export function looksLikeXlsx(body: Buffer, filename: string | null): boolean {
  const zip = body.length >= 4 && body[0] === 0x50 && body[1] === 0x4b && body[2] === 0x03 && body[3] === 0x04
  return zip || (filename !== null && /\.xlsx$/i.test(filename))
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v
  if (typeof v === 'boolean') return String(v)
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('')
    if ('formula' in v || 'sharedFormula' in v) return cellValue((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue)
    if ('hyperlink' in v) return cellValue((v as ExcelJS.CellHyperlinkValue).text as ExcelJS.CellValue)
    if ('error' in v) return null
  }
  return String(v)
}

/**
 * The rows of the named sheet (by name, any case, or 1-based position), else the first. A file
 * that is not a workbook, or lacks the sheet, is refused with the reason.
 */
export async function readXlsxSheet(body: Buffer, sheet?: string | number): Promise<SheetRows> {
  // Loaded when a workbook comes: exceljs is ~40 MB resident, which every process taking in a
  // feed (and the X12 ingest's memory aim) would otherwise carry for files that are never XLSX.
  const { default: Excel } = await import('exceljs')
  const wb = new Excel.Workbook()
  try {
    await wb.xlsx.load(body as unknown as ArrayBuffer)
  } catch (err) {
    throw new DomainError('FEED_XLSX_INVALID', 'the XLSX workbook cannot be read', { details: [`(file): ${(err as Error).message}`] })
  }
  const names = wb.worksheets.map((w) => w.name)
  const ws = sheet === undefined ? wb.worksheets[0]
    : typeof sheet === 'number' ? wb.worksheets[sheet - 1]
    : wb.worksheets.find((w) => w.name.trim().toLowerCase() === sheet.trim().toLowerCase())
  if (!ws) {
    const want = sheet === undefined ? 'a sheet' : typeof sheet === 'number' ? `sheet ${sheet}` : `sheet "${sheet}"`
    throw new DomainError('FEED_XLSX_INVALID', `the workbook has no ${want}`, { details: [`(file): sheets are ${names.map((n) => `"${n}"`).join(', ') || 'none'}`] })
  }
  const rows: SheetRows['rows'] = []
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: Cell[] = []
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellValue(row.getCell(c).value))
    rows.push({ line, cells })
  })
  return { sheet: ws.name, date1904: Boolean((wb.properties as { date1904?: boolean }).date1904), rows }
}

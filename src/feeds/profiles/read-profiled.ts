/**
 * A supplier's own file (CSV with its header, or a sheet of an XLSX) read through its profile
 * into wismo's own rows — `wismo field → text`, each with the line it came from — which then
 * go through the same checks as wismo's CSV status feed (or offers rows). Pure but for the
 * workbook unzip. Without a profile an XLSX is read with wismo's own status-feed header.
 */
import { DomainError } from '../../domain/errors.ts'
import { readAll } from '../csv/status-feed.ts'
import { readXlsxSheet, looksLikeXlsx, type Cell } from './xlsx.ts'
import { DATE_FIELDS, QTY_FIELDS, TARGET_FIELDS, TARGET_STATUSES, squeeze, type Profile, type Target } from './profile-schema.ts'
import { readDate, readQuantity, readStatus, readText, type Reading } from './read-cell.ts'

export interface ProfiledRow {
  line: number
  record: Record<string, string>
}

export interface ProfiledRead {
  target: Target
  /** Where the rows came from: `CSV`, `sheet "Open Orders"`. */
  where: string
  /** The header's line (for XLSX, its sheet row). */
  headerLine: number
  rows: ProfiledRow[]
  /** `line N: field: problem` for each cell the profile cannot read. */
  problems: string[]
}

/** wismo's own status-feed header, as a profile: what a profile-less XLSX is read with. */
export const OWN_STATUS_PROFILE: Profile = {
  target: 'status',
  columns: Object.fromEntries(TARGET_FIELDS.status.map((f) => [f, [f]])),
  statuses: {},
  dateFormats: [],
}

const REQUIRED: Record<Target, string[][]> = { status: [['po_number'], ['status']], offers: [['sku', 'supplier_sku']] }

/** Reads the file's rows under `profile` (`null`: wismo's own header, for an XLSX). */
export async function readProfiled(body: Buffer, filename: string | null, profile: Profile | null): Promise<ProfiledRead> {
  const p = profile ?? OWN_STATUS_PROFILE
  let raw: { line: number; cells: Cell[] }[]
  let where = 'CSV'
  let date1904 = false
  if (looksLikeXlsx(body, filename)) {
    const sheet = await readXlsxSheet(body, p.sheet)
    raw = sheet.rows
    where = `sheet "${sheet.sheet}"`
    date1904 = sheet.date1904
  } else {
    raw = (await readAll(body, { delimiter: p.delimiter })).map((r) => ({ line: r.line, cells: r.fields }))
  }
  const { index, headerLine } = findHeader(raw, p)
  const problems: string[] = []
  const rows: ProfiledRow[] = []
  for (const { line, cells } of raw) {
    if (line <= headerLine || cells.every((c) => c === null || String(c).trim() === '') || skipped(cells, p)) continue
    const record: Record<string, string> = {}
    for (const [field, col] of index) {
      const r = readField(field, col === undefined ? null : cells[col] ?? null, p, date1904)
      if ('problem' in r) problems.push(`line ${line}: ${field}: ${r.problem}`)
      else record[field] = r.value
      // The supplier's own word, kept with the signal so a rep sees what it said ("B/O").
      if (field === 'status' && col !== undefined && 'value' in r) record.raw_status = String(cells[col] ?? '').trim()
    }
    for (const [field, value] of Object.entries(p.defaults ?? {})) if (!record[field]) record[field] = String(value)
    rows.push({ line, record })
  }
  return { target: p.target, where, headerLine, rows, problems }
}

function skipped(cells: Cell[], p: Profile): boolean {
  if (!p.skipRows) return false
  const first = cells.find((c) => c !== null && String(c).trim() !== '')
  const text = first instanceof Date ? '' : squeeze(String(first ?? ''))
  return p.skipRows.some((s) => text.startsWith(squeeze(s)))
}

function readField(field: string, cell: Cell, p: Profile, date1904: boolean): Reading {
  if (field === 'status') return readStatus(cell, p.statuses, TARGET_STATUSES[p.target])
  if (DATE_FIELDS.has(field)) return readDate(cell, p.dateFormats, date1904, p.dateLocale)
  if (QTY_FIELDS.has(field)) return readQuantity(cell, p.quantityUnits)
  return readText(cell)
}

/** Each mapped field's column in a header row (the first alias present wins). */
function columnsIn(cells: Cell[], p: Profile): Map<string, number | undefined> {
  const names = cells.map((c) => (c === null ? '' : squeeze(String(c))))
  const index = new Map<string, number | undefined>()
  for (const [field, aliases] of Object.entries(p.columns)) {
    const at = aliases.map((a) => names.indexOf(squeeze(a))).find((i) => i >= 0)
    index.set(field, at)
  }
  return index
}

const missingOf = (index: Map<string, number | undefined>, p: Profile) =>
  REQUIRED[p.target].filter((any) => !any.some((f) => index.get(f) !== undefined || p.defaults?.[f] !== undefined))

const describe = (any: string[], p: Profile) =>
  any.map((f) => `${f} (${(p.columns[f] ?? [f]).map((a) => `"${a}"`).join(' or ')})`).join(' or ')

/**
 * The header: the profile's `headerRow`, else the first row holding every required column (a
 * title block may sit above it). A file without one is refused as a whole.
 */
function findHeader(raw: { line: number; cells: Cell[] }[], p: Profile): { index: Map<string, number | undefined>; headerLine: number } {
  if (p.headerRow !== undefined) {
    const row = raw.find((r) => r.line === p.headerRow)
    const index = columnsIn(row?.cells ?? [], p)
    const missing = missingOf(index, p)
    if (missing.length > 0) {
      throw new DomainError('FEED_CSV_INVALID', 'the header lacks required columns', {
        details: [`line ${p.headerRow}: header: missing column ${missing.map((m) => describe(m, p)).join(', ')}`],
      })
    }
    return { index, headerLine: p.headerRow }
  }
  for (const row of raw.slice(0, 50)) {
    const index = columnsIn(row.cells, p)
    if (missingOf(index, p).length === 0) return { index, headerLine: row.line }
  }
  const want = REQUIRED[p.target].map((m) => describe(m, p)).join(', ')
  throw new DomainError('FEED_CSV_INVALID', 'no header row found', {
    details: [`line ${raw[0]?.line ?? 1}: header: no row among the first 50 holds the columns ${want}`],
  })
}

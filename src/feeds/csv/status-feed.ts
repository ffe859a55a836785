import { z } from 'zod'
import { DomainError } from '../../domain/errors.ts'
import type { NormalizedSignal } from '../signal.ts'
import { isRealIsoDate } from '../../util/dates.ts'
import { CsvSyntaxError, readCsvText, type CsvRecord } from '../../store/import/csv-reader.ts'

const STATUSES = ['accepted', 'backordered', 'shipped', 'cancelled', 'rejected'] as const
const isoDate = /^\d{4}-\d{2}-\d{2}$/

const optional = (s: z.ZodType) => z.preprocess((v) => (v === '' || v === undefined ? null : v), s.nullable())

/** One row of the CSV supplier status feed (DESIGN.md "CSV files"). */
export const StatusRowSchema = z
  .object({
    po_number: z.string().trim().min(1, 'required'),
    po_line: optional(z.string().trim()),
    sku: optional(z.string().trim()),
    status: z.string().trim().toLowerCase().pipe(z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` })),
    qty: optional(z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must not be negative')),
    expected_ship_date: optional(
      z.string().trim().regex(isoDate, 'must be a date YYYY-MM-DD').refine(isRealIsoDate, 'must be a real date'),
    ),
    carrier: optional(z.string().trim()),
    // Optional: the carrier's service (`UPS Ground`, `2day`), read as an 856's TD505 is.
    service: optional(z.string().trim()),
    tracking_number: optional(z.string().trim()),
  })
  .superRefine((row, ctx) => {
    if (row.status === 'shipped' && !row.tracking_number) {
      ctx.addIssue({ code: 'custom', path: ['tracking_number'], message: 'required when status is shipped' })
    }
    if (!row.po_line && !row.sku) ctx.addIssue({ code: 'custom', path: ['po_line'], message: 'po_line or sku is required' })
  })
export type StatusRow = z.infer<typeof StatusRowSchema>

const REQUIRED = ['po_number', 'status']

/** The header row's columns, trimmed and lower case; refuses a header without the required ones. */
function readHeader(fields: string[], line: number): string[] {
  const header = fields.map((c) => c.trim().toLowerCase())
  const missing = REQUIRED.filter((c) => !header.includes(c))
  if (missing.length > 0) {
    throw new DomainError('FEED_CSV_INVALID', 'the CSV header lacks required columns', {
      details: [`line ${line}: header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`],
    })
  }
  return header
}

/** A row as `column → cell`; a short row's missing cells are blank, unknown columns are ignored. */
function toRecord(header: string[], fields: string[]): Record<string, string> {
  const record: Record<string, string> = {}
  header.forEach((name, i) => {
    if (name !== '' && !Object.hasOwn(record, name)) record[name] = fields[i] ?? ''
  })
  return record
}

/** The file's records through the one CSV reader (src/store/import/csv-reader.ts). */
export async function readAll(body: string | Buffer, opts: { delimiter?: string } = {}): Promise<CsvRecord[]> {
  const records: CsvRecord[] = []
  try {
    for await (const r of readCsvText(body, opts)) records.push(r)
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new DomainError('FEED_CSV_INVALID', 'the CSV cannot be read', { details: [`line ${err.line}: ${err.message}`] })
    throw err
  }
  return records
}

/**
 * Parses a CSV status feed into signals, with the same reader as every CSV import (quoted
 * fields, line breaks inside quotes, BOM). Any bad row refuses the whole file, with every
 * problem as `line N: field: problem` (N is the physical line the row starts on; the header is
 * line 1 unless blank lines come first).
 */
export async function parseStatusFeed(body: string | Buffer): Promise<NormalizedSignal[]> {
  return statusSignalsOf((await readStatusRecords(body)).rows)
}

/** The rows of a CSV in wismo's own header as `column → cell`, with their lines (before any check). */
export async function readStatusRecords(body: string | Buffer): Promise<{ headerLine: number; rows: { line: number; record: Record<string, string> }[] }> {
  const [first, ...rows] = await readAll(body)
  const header = readHeader(first?.fields ?? [], first?.line ?? 1)
  const records = rows
    .filter(({ fields }) => !fields.every((f) => f.trim() === '')) // `,,,` lines spreadsheets leave behind
    .map(({ fields, line }) => ({ line, record: toRecord(header, fields) }))
  return { headerLine: first?.line ?? 1, rows: records }
}

/**
 * Status-feed rows as `wismo field → text` (a CSV row, or a supplier's row read through its
 * profile) → signals, every row checked by the one `StatusRowSchema`; any bad row refuses all.
 */
export function statusSignalsOf(records: { line: number; record: Record<string, string> }[]): NormalizedSignal[] {
  const problems: string[] = []
  const signals: NormalizedSignal[] = []
  for (const { record, line } of records) {
    const result = StatusRowSchema.safeParse(record)
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`line ${line}: ${issue.path.join('.') || 'row'}: ${issue.message}`)
      continue
    }
    const row = result.data
    signals.push({
      poNumber: row.po_number,
      poLine: row.po_line as string | null,
      sku: row.sku as string | null,
      status: row.status,
      qty: row.qty as number | null,
      expectedShipDate: row.expected_ship_date as string | null,
      carrier: row.carrier as string | null,
      trackingNumber: row.tracking_number as string | null,
      service: row.service as string | null,
      // Read through a profile: the supplier's own word too (`csv backordered (B/O)`).
      rawCode: record.raw_status && record.raw_status.toLowerCase() !== row.status ? `csv ${row.status} (${record.raw_status})` : `csv ${row.status}`,
      location: `line ${line}`,
    })
  }
  if (problems.length > 0) {
    throw new DomainError('FEED_CSV_INVALID', `${problems.length} bad row${problems.length > 1 ? 's' : ''}`, { details: problems })
  }
  return signals
}

import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import { DomainError } from '../../domain/errors.ts'
import type { NormalizedSignal } from '../signal.ts'
import { isRealIsoDate } from '../../util/dates.ts'

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

/**
 * Parses a CSV status feed into signals. Any bad row refuses the whole file, with every problem
 * as `line N: field: problem` (N counts the header as line 1).
 */
export function parseStatusFeed(text: string): NormalizedSignal[] {
  let records: { record: Record<string, string>; info: { lines: number } }[]
  try {
    records = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), bom: true, skip_empty_lines: true, info: true })
  } catch (err) {
    const e = err as Error & { lines?: number }
    throw new DomainError('FEED_CSV_INVALID', 'the CSV cannot be read', { details: [`line ${e.lines ?? '?'}: ${e.message}`] })
  }
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].split(',').map((c) => c.trim().toLowerCase())
  const missing = REQUIRED.filter((c) => !header.includes(c))
  if (missing.length > 0) {
    throw new DomainError('FEED_CSV_INVALID', 'the CSV header lacks required columns', {
      details: [`line 1: header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`],
    })
  }
  const problems: string[] = []
  const signals: NormalizedSignal[] = []
  for (const { record, info } of records) {
    const result = StatusRowSchema.safeParse(record)
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(`line ${info.lines}: ${issue.path.join('.') || 'row'}: ${issue.message}`)
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
      rawCode: `csv ${row.status}`,
      location: `line ${info.lines}`,
    })
  }
  if (problems.length > 0) {
    throw new DomainError('FEED_CSV_INVALID', `${problems.length} bad row${problems.length > 1 ? 's' : ''}`, { details: problems })
  }
  return signals
}

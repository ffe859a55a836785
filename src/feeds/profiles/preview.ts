/**
 * `wismo ingest FILE --dry-run`: how each row of a supplier file reads (under the supplier's
 * profile, if it has one) — the wismo fields of each row, or why it cannot be read — with
 * nothing stored and nothing applied (the only query reads the profile).
 */
import path from 'node:path'
import type { Queryable } from '../../store/db.ts'
import { DomainError } from '../../domain/errors.ts'
import { readStatusRecords } from '../csv/status-feed.ts'
import { looksLikeXlsx } from './xlsx.ts'
import { getProfile } from './profile-store.ts'
import { readProfiled, type ProfiledRead } from './read-profiled.ts'
import { checkRow } from './supplier-file.ts'
import { TARGET_FIELDS, type Target } from './profile-schema.ts'

export type PreviewRow = { line: number; ok: true; fields: Record<string, string> } | { line: number; ok: false; problems: string[] }

export interface FeedPreview {
  file: string
  supplierId: string | null
  /** `profile`: read under the supplier's profile; `own`: wismo's own header. */
  readAs: 'profile' | 'own'
  target: Target
  where: string
  headerLine: number | null
  rows: PreviewRow[]
  /** Problems of the file as a whole (no header, not a workbook). */
  fileProblems: string[]
  read: number
  unreadable: number
}

/** Reads without applying: the rows as wismo would take them, and every row it would refuse. */
export async function previewSupplierFeed(db: Queryable, input: { body: Buffer; filename: string; supplierId: string | null }): Promise<FeedPreview> {
  const filename = path.basename(input.filename)
  const profile = await getProfile(db, input.supplierId)
  const base = { file: filename, supplierId: input.supplierId, readAs: profile ? 'profile' as const : 'own' as const, target: profile?.target ?? 'status' as Target }
  let read: ProfiledRead
  try {
    read = profile || looksLikeXlsx(input.body, filename)
      ? await readProfiled(input.body, filename, profile)
      : { target: 'status', where: 'CSV', problems: [], ...(await readStatusRecords(input.body)) }
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    const problems = err.details.length > 0 ? err.details : [err.message]
    return { ...base, where: looksLikeXlsx(input.body, filename) ? 'XLSX' : 'CSV', headerLine: null, rows: [], fileProblems: problems, read: 0, unreadable: 0 }
  }
  const byLine = new Map<number, string[]>()
  for (const p of read.problems) {
    const line = Number(/^line (\d+):/.exec(p)?.[1])
    byLine.set(line, [...(byLine.get(line) ?? []), p.replace(/^line \d+: /, '')])
  }
  const rows: PreviewRow[] = read.rows.map((r) => {
    const own = byLine.get(r.line) ?? checkRow(read.target, r).problems.map((p) => p.replace(/^line \d+: /, ''))
    return own.length > 0 ? { line: r.line, ok: false, problems: own } : { line: r.line, ok: true, fields: clean(read.target, r.record) }
  })
  const unreadable = rows.filter((r) => !r.ok).length
  return { ...base, where: read.where, headerLine: read.headerLine, rows, fileProblems: [], read: rows.length - unreadable, unreadable }
}

/** The row's wismo fields that hold something, in the target's field order. */
function clean(target: Target, record: Record<string, string>): Record<string, string> {
  const fields: readonly string[] = TARGET_FIELDS[target]
  return Object.fromEntries(fields.filter((f) => record[f] !== undefined && record[f] !== '').map((f) => [f, record[f]]))
}

/** The text `wismo ingest --dry-run` prints, one line per row. */
export function describePreview(p: FeedPreview): string[] {
  const how = p.readAs === 'profile' ? `under ${p.supplierId}'s profile (${p.target})` : "with wismo's own status-feed header"
  const header = p.headerLine === null ? '' : `, header on line ${p.headerLine}`
  const out = [`${p.file}: dry run, read ${how} from ${p.where}${header}; nothing is stored or applied`]
  for (const problem of p.fileProblems) out.push(`  cannot read the file: ${problem}`)
  for (const r of p.rows) {
    if (r.ok) out.push(`  line ${r.line}: ${Object.entries(r.fields).map(([k, v]) => `${k}=${v}`).join(' ')}`)
    else for (const problem of r.problems) out.push(`  line ${r.line}: cannot read: ${problem}`)
  }
  const total = p.read + p.unreadable
  out.push(`${p.file}: ${total} row${total === 1 ? '' : 's'}: ${p.read} read, ${p.unreadable} unreadable${p.fileProblems.length > 0 ? '; the file cannot be read' : ''}`)
  return out
}

/**
 * `DIR/manifest.csv` of `wismo replay` (docs/operations.md "Backtesting with wismo replay"):
 * `at,kind,file,supplier`, one row per file that arrived. The whole manifest is read and checked
 * — every row, every file present — before anything is applied: a bad manifest changes nothing.
 */
import fs from 'node:fs'
import path from 'node:path'
import { DateTime } from 'luxon'
import { CsvSyntaxError, readCsvText } from '../store/import/csv-reader.ts'
import { IMPORT_KINDS, type ImportKind } from '../store/import/import-csv.ts'

export const MANIFEST = 'manifest.csv'
export const ARRIVAL_KINDS = [...IMPORT_KINDS, 'feed', 'carrier'] as const
export type ArrivalKind = ImportKind | 'feed' | 'carrier'

/** One file that arrived: when, what it is, where it is (absolute), and for a feed who sent it. */
export interface Arrival {
  line: number
  at: Date
  kind: ArrivalKind
  /** As the manifest names it (relative to DIR): what the summary shows. */
  file: string
  path: string
  supplier: string | null
}

export type ManifestResult = { arrivals: Arrival[] } | { problems: string[] }

const REQUIRED = ['at', 'kind', 'file'] as const

/**
 * An ISO-8601 date-time (with `Z` or an offset; without one it is the store's local time) or a
 * date (the start of that day in the store's zone). Null when it is neither.
 */
export function parseAt(text: string, zone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ]|$)/.test(text)) return null
  const t = DateTime.fromISO(text.replace(' ', 'T'), { zone })
  return t.isValid ? t.toJSDate() : null
}

function isArrivalKind(v: string): v is ArrivalKind {
  return (ARRIVAL_KINDS as readonly string[]).includes(v)
}

function fileProblem(dir: string, file: string): string | null {
  if (!file) return 'file is empty (expected a path relative to the folder)'
  try {
    if (!fs.statSync(path.resolve(dir, file)).isFile()) return `file "${file}" is not a regular file`
    fs.accessSync(path.resolve(dir, file), fs.constants.R_OK)
    return null
  } catch {
    return `file "${file}" not found (or not readable) in ${dir}`
  }
}

/** Every problem of one row (none: it becomes an arrival). */
function checkRow(dir: string, zone: string, line: number, get: (c: string) => string): Arrival | string[] {
  const problems: string[] = []
  const at = parseAt(get('at'), zone)
  if (!at) problems.push(`at "${get('at')}" is not an ISO-8601 date-time (e.g. 2026-11-02T15:00:00Z)`)
  const kind = get('kind')
  if (!isArrivalKind(kind)) problems.push(`unknown kind "${kind}" (expected one of ${ARRIVAL_KINDS.join(', ')})`)
  const fp = fileProblem(dir, get('file'))
  if (fp) problems.push(fp)
  const supplier = get('supplier')
  if (kind === 'feed' && !supplier) problems.push('a feed needs its sending supplier (column supplier)')
  if (kind !== 'feed' && supplier && isArrivalKind(kind)) problems.push(`supplier "${supplier}" is only for a feed (this row is ${kind})`)
  if (problems.length > 0) return problems.map((p) => `${MANIFEST} line ${line}: ${p}`)
  return { line, at: at!, kind: kind as ArrivalKind, file: get('file'), path: path.resolve(dir, get('file')), supplier: supplier || null }
}

/** Reads and checks `DIR/manifest.csv`: the arrivals in manifest order, or one line per problem. */
export async function readManifest(dir: string, zone: string): Promise<ManifestResult> {
  let body: Buffer
  try {
    body = fs.readFileSync(path.join(dir, MANIFEST))
  } catch (err) {
    return { problems: [`${path.join(dir, MANIFEST)}: cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`] }
  }
  const arrivals: Arrival[] = []
  const problems: string[] = []
  let columns: string[] | null = null
  try {
    for await (const { line, fields } of readCsvText(body)) {
      if (!columns) {
        columns = fields.map((f) => f.trim().toLowerCase())
        const missing = REQUIRED.filter((c) => !columns!.includes(c))
        if (missing.length > 0) return { problems: [`${MANIFEST} line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected at,kind,file,supplier)`] }
        continue
      }
      if (fields.length === 1 && fields[0].trim() === '') continue
      const row = fields
      const checked = checkRow(dir, zone, line, (c) => (row[columns!.indexOf(c)] ?? '').trim())
      if (Array.isArray(checked)) problems.push(...checked)
      else arrivals.push(checked)
    }
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err
    problems.push(`${MANIFEST} line ${err.line}: ${err.message}`)
  }
  if (!columns) problems.push(`${MANIFEST} line 1: empty (expected the header at,kind,file,supplier)`)
  return problems.length > 0 ? { problems } : { arrivals }
}

import fs from 'node:fs/promises'
import type { z } from 'zod'
import { DomainError } from '../../domain/errors.ts'
import type { Db, Queryable } from '../db.ts'
import { CsvReadError, CsvSyntaxError, readCsvRecords, type CsvRecord } from './csv-reader.ts'
import {
  BatchWriter,
  createScratchTables,
  problemWriter,
  readProblems,
  type ProblemReport,
  type StageColumn,
  BAD_COLUMN,
} from './staging.ts'

export type ImportKind = 'suppliers' | 'products' | 'offers' | 'equivalents' | 'orders'

/**
 * What an import did. `rows` counts the file's data rows; `inserted`/`updated` count the
 * records of the kind (for orders: orders, with `orders` and `lines` giving the totals).
 */
export interface ImportResult {
  kind: ImportKind
  rows: number
  inserted: number
  updated: number
  orders?: number
  lines?: number
}

export interface ImportOptions {
  now: Date
  onProgress?: (bytesRead: number, totalBytes: number) => void
}

/** What a kind's check and merge steps get. `columns` are the known columns the header has. */
export interface ImportContext {
  tx: Queryable
  now: Date
  columns: ReadonlySet<string>
}

export type MergeCounts = Omit<ImportResult, 'kind' | 'rows'>

/** Everything that differs between kinds; the pipeline below does the rest. */
export interface KindSpec<R> {
  kind: ImportKind
  required: readonly string[]
  optional: readonly string[]
  /** Optional columns of which the header must have at least one. */
  anyOf?: readonly string[]
  /** Validates one row (cells by column name, undefined when the column is absent). */
  schema: z.ZodType<R> & { shape: Record<string, z.ZodType> }
  stage: readonly StageColumn[]
  /** The staged values; a row with bad cells is staged too, without them (see stageRecord). */
  toStage(row: Partial<R>): unknown[]
  /** Cross-row checks as SQL over import_stage, inserting into import_problems. */
  check(ctx: ImportContext): Promise<void>
  /** Writes the staged rows into the real tables; only called when there was no problem. */
  merge(ctx: ImportContext): Promise<MergeCounts>
  /**
   * Before the merge: makes stale the stored customer views of the orders that what the staged
   * rows change reaches (src/status/view-stale.ts). Orders need none: their lines are marked.
   */
  markStale?(ctx: ImportContext): Promise<void>
}

/**
 * Imports one CSV file in one transaction: stream → validate each row → stage in batches →
 * cross-row checks in SQL → merge. Any problem rolls everything back and throws IMPORT_INVALID.
 */
export async function runImport<R>(db: Db, spec: KindSpec<R>, file: string, opts: ImportOptions): Promise<ImportResult> {
  await sizeOf(file)
  return db.transaction((tx) => runImportIn(tx, spec, file, opts))
}

/** `runImport` inside a transaction the caller holds (which also records the stored message). */
export async function runImportIn<R>(tx: Queryable, spec: KindSpec<R>, file: string, opts: ImportOptions): Promise<ImportResult> {
  const totalBytes = await sizeOf(file)
  {
    await createScratchTables(tx, spec.stage)
    const loaded = await loadRows(tx, spec, file, (bytes) => opts.onProgress?.(bytes, totalBytes))
    const ctx: ImportContext = { tx, now: opts.now, columns: loaded.columns }
    if (loaded.headerOk) {
      // Temp tables are never auto-analyzed; the checks join 50k-row stages against real tables.
      await tx.query('ANALYZE import_stage')
      await spec.check(ctx)
    }
    const report = await readProblems(tx)
    if (report.badRows > 0) throw invalidFile(file, report)
    // Names, stock and lead times appear in customer answers: the views they reach are re-derived.
    await spec.markStale?.(ctx)
    const counts = await spec.merge(ctx)
    return { kind: spec.kind, rows: loaded.rows, ...counts }
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    const stat = await fs.stat(file)
    if (!stat.isFile()) throw new Error('not a regular file')
    return stat.size
  } catch (err) {
    throw new DomainError('IMPORT_FILE', `cannot read ${file}: ${(err as Error).message}`, { cause: err })
  }
}

function invalidFile(file: string, report: ProblemReport): DomainError {
  const noun = report.badRows === 1 ? 'row' : 'rows'
  return new DomainError('IMPORT_INVALID', `${file}: ${report.badRows} bad ${noun}`, { details: report.details })
}

interface Loaded {
  rows: number
  headerOk: boolean
  columns: Set<string>
}

async function loadRows<R>(tx: Queryable, spec: KindSpec<R>, file: string, onBytes: (n: number) => void): Promise<Loaded> {
  const stage = new BatchWriter(tx, 'import_stage', [...spec.stage, BAD_COLUMN])
  const problems = problemWriter(tx)
  const loaded: Loaded = { rows: 0, headerOk: false, columns: new Set() }
  let header: string[] | null = null
  try {
    for await (const record of readCsvRecords(file, onBytes)) {
      if (!header) {
        header = record.fields.map((name) => name.trim().toLowerCase())
        if (!(await checkHeader(record.line, header, spec, problems))) break
        loaded.headerOk = true
        for (const name of header) if (isKnown(spec, name)) loaded.columns.add(name)
        continue
      }
      if (record.fields.every((f) => f.trim() === '')) continue // `,,,` lines spreadsheets leave behind
      loaded.rows++
      await stageRecord(record, header, spec, stage, problems)
    }
    // A file without even a header line has no columns at all.
    if (!header) await checkHeader(1, [], spec, problems)
  } catch (err) {
    if (err instanceof CsvReadError) throw new DomainError('IMPORT_FILE', `cannot read ${file}: ${err.message}`, { cause: err })
    if (!(err instanceof CsvSyntaxError)) throw err
    await problems.add(err.line, ['', err.message])
  }
  await stage.flush()
  await problems.flush()
  return loaded
}

function isKnown(spec: KindSpec<unknown>, name: string): boolean {
  return spec.required.includes(name) || spec.optional.includes(name)
}

async function checkHeader(line: number, header: string[], spec: KindSpec<unknown>, problems: BatchWriter): Promise<boolean> {
  const missing = spec.required.filter((name) => !header.includes(name))
  if (spec.anyOf && !spec.anyOf.some((name) => header.includes(name))) missing.push(spec.anyOf.join(' or '))
  const repeated = header.filter((name, i) => name !== '' && isKnown(spec, name) && header.indexOf(name) !== i)
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'column' : 'columns'
    await problems.add(line, ['header', `missing required ${noun} ${missing.join(', ')} (expected ${[...spec.required, ...spec.optional].join(',')})`])
  }
  for (const name of new Set(repeated)) await problems.add(line, ['header', `column ${name} appears more than once`])
  return missing.length === 0 && repeated.length === 0
}

async function stageRecord<R>(
  record: CsvRecord,
  header: string[],
  spec: KindSpec<R>,
  stage: BatchWriter,
  problems: BatchWriter,
): Promise<void> {
  if (record.fields.length !== header.length) {
    await problems.add(record.line, ['', `row has ${record.fields.length} fields, header has ${header.length}`])
    return
  }
  const cells: Record<string, string> = {}
  header.forEach((name, i) => {
    if (isKnown(spec, name)) cells[name] = record.fields[i]
  })
  const parsed = spec.schema.safeParse(cells)
  if (parsed.success) return stage.add(record.line, [...spec.toStage(parsed.data), null])
  const bad = new Set<string>()
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'row')
    bad.add(field)
    await problems.add(record.line, [field, issue.message])
  }
  // The row's good cells are staged as well (its bad ones as NULL, named in `bad`), so the
  // cross-row checks can still say "unknown SKU" on a row whose date is wrong.
  const good: Record<string, unknown> = {}
  for (const [field, schema] of Object.entries(spec.schema.shape)) {
    if (bad.has(field)) continue
    const cell = schema.safeParse(cells[field])
    if (cell.success) good[field] = cell.data
  }
  await stage.add(record.line, [...spec.toStage(good as Partial<R>), [...bad].join(' ')])
}

/** `col = EXCLUDED.col` for the columns the file has: a column the file lacks keeps its value. */
export function assignPresent(columns: readonly string[], present: ReadonlySet<string>): string[] {
  return columns.filter((c) => present.has(c)).map((c) => `${c} = EXCLUDED.${c}`)
}

/**
 * Runs `INSERT … ON CONFLICT DO UPDATE … RETURNING (xmax = 0) AS inserted` and counts: a row
 * a conflict updated carries the updating transaction's xmax, a fresh row carries 0.
 */
export async function countUpsert(tx: Queryable, upsert: string, values: unknown[]): Promise<{ inserted: number; updated: number }> {
  const [row] = await tx.query<{ inserted: number; updated: number }>(
    `WITH m AS (${upsert})
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM m`,
    values,
  )
  return row
}

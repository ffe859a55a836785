import type { Queryable } from '../db.ts'

/**
 * The import's scratch space, all TEMP tables dropped at the end of the transaction:
 * `import_stage` holds the file's rows (with their line numbers) until they are checked and
 * merged, `import_problems` every problem found. Keeping problems in the database rather than
 * in an array is what lets a file of a million bad rows be reported in bounded memory.
 */

/** A staged column: its name and PostgreSQL type (both constants of the importer, never input). */
export interface StageColumn {
  name: string
  type: 'text' | 'integer' | 'numeric' | 'date' | 'timestamptz' | 'boolean'
}

/**
 * Every stage has it: the space-separated fields of the row that failed validation (NULL when
 * none). Such rows are never merged (any problem stops the import); they are staged so the
 * cross-row checks see their good cells, and checks skip the fields named here.
 */
export const BAD_COLUMN: StageColumn = { name: 'bad', type: 'text' }

/** SQL: true when import_stage row `s` had a valid (or blank) `field` cell. */
export function goodCell(field: string, alias = 's'): string {
  return `NOT (${alias}.bad IS NOT NULL AND '${field}' = ANY(string_to_array(${alias}.bad, ' ')))`
}

export const BATCH_SIZE = 1000
/** At most this many problems are printed; the rest are counted. */
export const DETAIL_CAP = 200

export async function createScratchTables(tx: Queryable, columns: readonly StageColumn[]): Promise<void> {
  const defs = [...columns, BAD_COLUMN].map((c) => `${c.name} ${c.type}`).join(', ')
  await tx.query(`CREATE TEMP TABLE import_stage (line integer NOT NULL, ${defs}) ON COMMIT DROP`)
  await tx.query(`CREATE TEMP TABLE import_problems (
    seq serial, line integer NOT NULL, field text NOT NULL, problem text NOT NULL) ON COMMIT DROP`)
}

/** Buffers rows and writes them with one INSERT … SELECT FROM unnest(arrays) per batch. */
export class BatchWriter {
  #rows: unknown[][] = []
  readonly #sql: string
  constructor(private readonly tx: Queryable, table: string, columns: readonly StageColumn[]) {
    const all: StageColumn[] = [{ name: 'line', type: 'integer' }, ...columns]
    const casts = all.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')
    this.#sql = `INSERT INTO ${table} (${all.map((c) => c.name).join(', ')}) SELECT * FROM unnest(${casts})`
  }

  async add(line: number, values: unknown[]): Promise<void> {
    this.#rows.push([line, ...values])
    if (this.#rows.length >= BATCH_SIZE) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.#rows.length === 0) return
    const rows = this.#rows
    this.#rows = []
    // Column-wise arrays: one parameter per column, whatever the batch size.
    const arrays = rows[0].map((_, i) => rows.map((r) => r[i] ?? null))
    await this.tx.query(this.#sql, arrays)
  }
}

export function problemWriter(tx: Queryable): BatchWriter {
  return new BatchWriter(tx, 'import_problems', [
    { name: 'field', type: 'text' },
    { name: 'problem', type: 'text' },
  ])
}

/**
 * Records, as a problem of the later line, every staged row whose key repeats an earlier one.
 * `columns` make the key (rows with any of them NULL have no key), `key` can override how they
 * are compared; both are SQL over import_stage (constants of the importer, never input).
 */
export async function checkDuplicates(
  tx: Queryable,
  opts: { columns: string[]; key?: string; field: string; what?: string },
): Promise<void> {
  const where = opts.columns.map((c) => `${c} IS NOT NULL`).join(' AND ')
  await tx.query(
    `INSERT INTO import_problems (line, field, problem)
     SELECT line, $1, 'duplicate of line ' || first_line || $2
     FROM (SELECT line, min(line) OVER (PARTITION BY ${opts.key ?? opts.columns.join(', ')}) AS first_line
           FROM import_stage WHERE ${where}) s
     WHERE line <> first_line`,
    [opts.field, opts.what ?? ''],
  )
}

/**
 * Records a problem for every staged row whose `column` names no row of `table`.`target`
 * (identifiers are constants of the importer), e.g. `sku: unknown SKU "X-1"`.
 */
export async function checkExists(
  tx: Queryable,
  opts: { column: string; table: string; target: string; label: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO import_problems (line, field, problem)
     SELECT s.line, $1, $2 || ' ' || to_json(s.${opts.column})::text
     FROM import_stage s
     WHERE s.${opts.column} IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM ${opts.table} t WHERE t.${opts.target} = s.${opts.column})`,
    [opts.column, opts.label],
  )
}

export interface ProblemReport {
  badRows: number
  details: string[]
}

/** Counts the problems and lists the first DETAIL_CAP in file order, as `line N: field: problem`. */
export async function readProblems(tx: Queryable): Promise<ProblemReport> {
  const [count] = await tx.query<{ problems: number; bad_rows: number }>(
    'SELECT count(*)::int AS problems, count(DISTINCT line)::int AS bad_rows FROM import_problems',
  )
  if (count.problems === 0) return { badRows: 0, details: [] }
  const rows = await tx.query<{ line: number; field: string; problem: string }>(
    'SELECT line, field, problem FROM import_problems ORDER BY line, seq LIMIT $1',
    [DETAIL_CAP],
  )
  const details = rows.map((r) => (r.field ? `line ${r.line}: ${r.field}: ${r.problem}` : `line ${r.line}: ${r.problem}`))
  if (count.problems > DETAIL_CAP) details.push(`… and ${count.problems - DETAIL_CAP} more`)
  return { badRows: count.bad_rows, details }
}

import type { Queryable } from '../db.ts'

export interface ChangedKeysSpec {
  /** The real table the stage merges into. */
  table: string
  /** Columns naming a row in both (the conflict key). */
  key: readonly string[]
  /** Columns whose change matters, as the stage would write them (an expression over `s.` where it differs). */
  columns: readonly { name: string; staged?: string }[]
  /** The column of the stage to return for each new or changed row. */
  returning: string
}

/**
 * Before a merge: the distinct `returning` values of staged rows that are new or differ from the
 * stored row in one of `columns` (only those the file has: an absent column keeps its value).
 * Names are the import specs' own constants, never input.
 */
export async function changedKeys(tx: Queryable, spec: ChangedKeysSpec, present: ReadonlySet<string>): Promise<string[]> {
  const cols = spec.columns.filter((c) => present.has(c.name))
  const on = spec.key.map((k) => `t.${k} = s.${k}`).join(' AND ')
  const differs = cols.length === 0
    ? 'false'
    : `ROW(${cols.map((c) => `t.${c.name}`).join(', ')}) IS DISTINCT FROM ROW(${cols.map((c) => c.staged ?? `s.${c.name}`).join(', ')})`
  const rows = await tx.query<{ k: string }>(
    `SELECT DISTINCT s.${spec.returning} AS k FROM import_stage s LEFT JOIN ${spec.table} t ON ${on}
      WHERE t.${spec.key[0]} IS NULL OR ${differs}`,
  )
  return rows.map((r) => r.k)
}

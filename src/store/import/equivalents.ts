import { z } from 'zod'
import type { ImportContext, KindSpec } from './pipeline.ts'
import { requiredText, whenValid } from './fields.ts'
import { checkDuplicates, checkExists } from './staging.ts'
import { markViewsStaleForSkus } from '../../status/view-stale.ts'

export const EquivalentRowSchema = z
  .object({ sku: requiredText(), equivalent_sku: requiredText() })
  .refine((row) => row.sku !== row.equivalent_sku, {
    path: ['equivalent_sku'],
    message: 'same as sku (a SKU cannot be its own equivalent)',
    when: whenValid('sku', 'equivalent_sku'),
  })
export type EquivalentRow = z.infer<typeof EquivalentRowSchema>

async function checkEquivalents({ tx }: ImportContext): Promise<void> {
  // The relation is symmetric, so B,A repeats A,B just as A,B does.
  await checkDuplicates(tx, {
    columns: ['sku', 'equivalent_sku'],
    key: 'least(sku, equivalent_sku), greatest(sku, equivalent_sku)',
    field: 'equivalent_sku',
    what: ' (the same pair, either way round)',
  })
  await checkExists(tx, { column: 'sku', table: 'products', target: 'sku', label: 'unknown SKU' })
  await checkExists(tx, { column: 'equivalent_sku', table: 'products', target: 'sku', label: 'unknown SKU' })
}

// A new pair changes the alternatives either SKU's lines may be offered.
async function markEquivalentsStale({ tx }: ImportContext) {
  const rows = await tx.query<{ sku: string }>(
    `SELECT s.sku FROM import_stage s WHERE NOT EXISTS (SELECT 1 FROM equivalents e WHERE e.sku = s.sku AND e.equivalent_sku = s.equivalent_sku)
     UNION SELECT s.equivalent_sku FROM import_stage s WHERE NOT EXISTS (SELECT 1 FROM equivalents e WHERE e.sku = s.equivalent_sku AND e.equivalent_sku = s.sku)`,
  )
  await markViewsStaleForSkus(tx, rows.map((r) => r.sku))
}

/** Pairs already stored both ways count as updated; the rest as inserted. */
async function mergeEquivalents({ tx }: ImportContext) {
  const [known] = await tx.query<{ pairs: number; existing: number }>(
    `SELECT count(*)::int AS pairs,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM equivalents e WHERE e.sku = s.sku AND e.equivalent_sku = s.equivalent_sku)
                          AND EXISTS (SELECT 1 FROM equivalents e WHERE e.sku = s.equivalent_sku AND e.equivalent_sku = s.sku))::int AS existing
     FROM import_stage s`,
  )
  await tx.query(
    `INSERT INTO equivalents (sku, equivalent_sku)
     SELECT sku, equivalent_sku FROM import_stage UNION SELECT equivalent_sku, sku FROM import_stage
     ON CONFLICT DO NOTHING`,
  )
  return { inserted: known.pairs - known.existing, updated: known.existing }
}

/** equivalents.csv: `sku,equivalent_sku`, stored in both directions. */
export const equivalentsSpec: KindSpec<EquivalentRow> = {
  kind: 'equivalents',
  required: ['sku', 'equivalent_sku'],
  optional: [],
  schema: EquivalentRowSchema,
  stage: [
    { name: 'sku', type: 'text' },
    { name: 'equivalent_sku', type: 'text' },
  ],
  toStage: (r) => [r.sku, r.equivalent_sku],
  check: checkEquivalents,
  merge: mergeEquivalents,
  markStale: markEquivalentsStale,
}

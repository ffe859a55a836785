import { z } from 'zod'
import { assignPresent, countUpsert, type ImportContext, type KindSpec } from './pipeline.ts'
import { optionalDate, optionalInt, optionalMoney, optionalText, requiredText } from './fields.ts'
import { checkDuplicates, checkExists } from './staging.ts'
import { changedKeys } from './changed-keys.ts'
import { markViewsStaleForSkus } from '../../status/view-stale.ts'

export const OfferRowSchema = z.object({
  supplier_id: requiredText(),
  sku: requiredText(),
  supplier_sku: optionalText(),
  cost: optionalMoney(),
  available_qty: optionalInt(0),
  restock_date: optionalDate(),
  lead_time_days: optionalInt(0),
})
export type OfferRow = z.infer<typeof OfferRowSchema>

async function checkOffers({ tx }: ImportContext): Promise<void> {
  await checkDuplicates(tx, { columns: ['supplier_id', 'sku'], field: 'sku', what: ' (same supplier_id and sku)' })
  await checkExists(tx, { column: 'supplier_id', table: 'suppliers', target: 'supplier_id', label: 'unknown supplier' })
  await checkExists(tx, { column: 'sku', table: 'products', target: 'sku', label: 'unknown SKU' })
}

// An offer's stock, restock date and lead time decide its lines' states and ETAs.
async function markOffersStale({ tx, columns }: ImportContext) {
  const fields = ['supplier_sku', 'cost', 'available_qty', 'restock_date', 'lead_time_days'].map((name) => ({ name }))
  const skus = await changedKeys(tx, { table: 'offers', key: ['supplier_id', 'sku'], columns: fields, returning: 'sku' }, columns)
  await markViewsStaleForSkus(tx, skus)
}

async function mergeOffers({ tx, now, columns }: ImportContext) {
  const set = assignPresent(['supplier_sku', 'cost', 'available_qty', 'restock_date', 'lead_time_days'], columns)
  return countUpsert(
    tx,
    `INSERT INTO offers AS t (supplier_id, sku, supplier_sku, cost, available_qty, restock_date, lead_time_days, updated_at)
     SELECT supplier_id, sku, supplier_sku, cost, available_qty, restock_date, lead_time_days, $1 FROM import_stage
     ON CONFLICT (supplier_id, sku) DO UPDATE SET ${[...set, 'updated_at = EXCLUDED.updated_at'].join(', ')}
     RETURNING (xmax = 0) AS inserted`,
    [now],
  )
}

/** offers.csv: `supplier_id,sku,supplier_sku,cost,available_qty,restock_date,lead_time_days`, upserted by (supplier_id, sku). */
export const offersSpec: KindSpec<OfferRow> = {
  kind: 'offers',
  required: ['supplier_id', 'sku'],
  optional: ['supplier_sku', 'cost', 'available_qty', 'restock_date', 'lead_time_days'],
  schema: OfferRowSchema,
  stage: [
    { name: 'supplier_id', type: 'text' },
    { name: 'sku', type: 'text' },
    { name: 'supplier_sku', type: 'text' },
    { name: 'cost', type: 'numeric' },
    { name: 'available_qty', type: 'integer' },
    { name: 'restock_date', type: 'date' },
    { name: 'lead_time_days', type: 'integer' },
  ],
  toStage: (r) => [r.supplier_id, r.sku, r.supplier_sku, r.cost, r.available_qty, r.restock_date, r.lead_time_days],
  check: checkOffers,
  merge: mergeOffers,
  markStale: markOffersStale,
}

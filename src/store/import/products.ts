import { z } from 'zod'
import { assignPresent, countUpsert, type ImportContext, type KindSpec } from './pipeline.ts'
import { optionalBoolean, optionalMoney, optionalText, requiredText } from './fields.ts'
import { checkDuplicates } from './staging.ts'
import { changedKeys } from './changed-keys.ts'
import { markClosedViewsStaleForSkus, markViewsStaleForSkus } from '../../status/view-stale.ts'

export const ProductRowSchema = z.object({
  sku: requiredText(),
  name: requiredText(),
  brand: optionalText(),
  family: optionalText(),
  color: optionalText(),
  size: optionalText(),
  price: optionalMoney(),
  size_interchangeable: optionalBoolean(),
})
export type ProductRow = z.infer<typeof ProductRowSchema>

async function mergeProducts({ tx, now, columns }: ImportContext) {
  const set = ['name = EXCLUDED.name', ...assignPresent(['brand', 'family', 'color', 'size', 'price', 'size_interchangeable'], columns)]
  // A blank size_interchangeable is false (fitted sizes), the safe side: never offer a size that may not fit.
  return countUpsert(
    tx,
    `INSERT INTO products AS t (sku, name, brand, family, color, size, price, size_interchangeable, updated_at)
     SELECT sku, name, brand, family, color, size, price, coalesce(size_interchangeable, false), $1 FROM import_stage
     ON CONFLICT (sku) DO UPDATE SET ${set.join(', ')}, updated_at = EXCLUDED.updated_at
     RETURNING (xmax = 0) AS inserted`,
    [now],
  )
}

// Every line shows its product's name, delivered or not; the rest matter to alternatives.
async function markProductsStale({ tx, columns }: ImportContext) {
  const fields = [...['name', 'brand', 'family', 'color', 'size', 'price'].map((name) => ({ name })),
    { name: 'size_interchangeable', staged: 'coalesce(s.size_interchangeable, false)' }]
  const skus = await changedKeys(tx, { table: 'products', key: ['sku'], columns: fields, returning: 'sku' }, columns)
  await markViewsStaleForSkus(tx, skus)
  await markClosedViewsStaleForSkus(tx, skus)
}

/** products.csv: `sku,name,brand,family,color,size,price,size_interchangeable`, upserted by sku. */
export const productsSpec: KindSpec<ProductRow> = {
  kind: 'products',
  required: ['sku', 'name'],
  optional: ['brand', 'family', 'color', 'size', 'price', 'size_interchangeable'],
  schema: ProductRowSchema,
  stage: [
    { name: 'sku', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'brand', type: 'text' },
    { name: 'family', type: 'text' },
    { name: 'color', type: 'text' },
    { name: 'size', type: 'text' },
    { name: 'price', type: 'numeric' },
    { name: 'size_interchangeable', type: 'boolean' },
  ],
  toStage: (r) => [r.sku, r.name, r.brand, r.family, r.color, r.size, r.price, r.size_interchangeable],
  check: ({ tx }) => checkDuplicates(tx, { columns: ['sku'], field: 'sku' }),
  merge: mergeProducts,
  markStale: markProductsStale,
}

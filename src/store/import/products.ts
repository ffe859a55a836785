import { z } from 'zod'
import { assignPresent, countUpsert, type ImportContext, type KindSpec } from './pipeline.ts'
import { optionalMoney, optionalText, requiredText } from './fields.ts'
import { checkDuplicates } from './staging.ts'

export const ProductRowSchema = z.object({
  sku: requiredText(),
  name: requiredText(),
  brand: optionalText(),
  family: optionalText(),
  color: optionalText(),
  size: optionalText(),
  price: optionalMoney(),
})
export type ProductRow = z.infer<typeof ProductRowSchema>

async function mergeProducts({ tx, now, columns }: ImportContext) {
  const set = ['name = EXCLUDED.name', ...assignPresent(['brand', 'family', 'color', 'size', 'price'], columns)]
  return countUpsert(
    tx,
    `INSERT INTO products AS t (sku, name, brand, family, color, size, price, updated_at)
     SELECT sku, name, brand, family, color, size, price, $1 FROM import_stage
     ON CONFLICT (sku) DO UPDATE SET ${set.join(', ')}, updated_at = EXCLUDED.updated_at
     RETURNING (xmax = 0) AS inserted`,
    [now],
  )
}

/** products.csv: `sku,name,brand,family,color,size,price`, upserted by sku. */
export const productsSpec: KindSpec<ProductRow> = {
  kind: 'products',
  required: ['sku', 'name'],
  optional: ['brand', 'family', 'color', 'size', 'price'],
  schema: ProductRowSchema,
  stage: [
    { name: 'sku', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'brand', type: 'text' },
    { name: 'family', type: 'text' },
    { name: 'color', type: 'text' },
    { name: 'size', type: 'text' },
    { name: 'price', type: 'numeric' },
  ],
  toStage: (r) => [r.sku, r.name, r.brand, r.family, r.color, r.size, r.price],
  check: ({ tx }) => checkDuplicates(tx, { columns: ['sku'], field: 'sku' }),
  merge: mergeProducts,
}

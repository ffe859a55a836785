import type { Queryable } from './db.ts'
import { DomainError } from '../domain/errors.ts'
import { suggestEquivalents, type EquivalentSuggestion, type SuggestProduct } from '../domain/equivalent-suggest.ts'

/** Suggested equivalents over the whole catalog, leaving out pairs already confirmed. */
export async function loadEquivalentSuggestions(db: Queryable, minScore?: number): Promise<EquivalentSuggestion[]> {
  const products = await db.query<SuggestProduct>('SELECT sku, name, brand, family, color, size FROM products')
  const known = await db.query<{ sku: string; equivalent_sku: string }>('SELECT sku, equivalent_sku FROM equivalents')
  return suggestEquivalents(products, new Set(known.map((k) => `${k.sku}|${k.equivalent_sku}`)), minScore)
}

/**
 * Confirms two SKUs as equivalent (stored both ways, as the import does); true when new. The
 * orders whose backordered lines could now be offered it are re-derived on their next lookup.
 */
export async function confirmEquivalent(db: Queryable, sku: string, equivalentSku: string): Promise<boolean> {
  if (sku === equivalentSku) throw new DomainError('EQUIVALENT_SAME', `${sku} cannot be its own equivalent`)
  const found = await db.query<{ sku: string }>('SELECT sku FROM products WHERE sku = ANY($1::text[])', [[sku, equivalentSku]])
  for (const s of [sku, equivalentSku]) {
    if (!found.some((f) => f.sku === s)) throw new DomainError('EQUIVALENT_UNKNOWN_SKU', `unknown SKU "${s}"`)
  }
  const rows = await db.query(
    `INSERT INTO equivalents (sku, equivalent_sku) VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING RETURNING 1`,
    [sku, equivalentSku],
  )
  await db.query(
    `UPDATE orders SET version = version + 1 WHERE order_id IN (
       SELECT order_id FROM order_lines WHERE NOT closed AND sku = ANY($1::text[]) AND state IN ('backordered', 'unavailable', 'delayed'))`,
    [[sku, equivalentSku]],
  )
  return rows.length > 0
}

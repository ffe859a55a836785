/**
 * Applies 846 offer updates to the supplier's `offers` rows, a batch per statement: found by
 * the buyer's SKU, else by the supplier's own SKU; the last word on an item in a batch wins.
 * Only rows whose stock or restock date changed are written, and the open order lines of those
 * SKUs are marked for the next sweep (markViewsStaleForSkus: their stored views are re-derived;
 * an 846 that repeats what is known marks nothing). Unknown items are counted, not errors.
 */
import type { Queryable } from '../../store/db.ts'
import { markViewsStaleForSkus } from '../../status/view-stale.ts'
import type { OfferUpdate } from './types.ts'
import { markAlternativeViewsStale } from '../../store/alternatives.ts'

/** Counts over every batch of one 846 file. */
export interface OfferTotals {
  items: number
  matched: number
  changed: number
  linesMarked: number
  unknown: number
  /** The first unknown items, as "BP X / VP Y", for the summary. */
  unknownSample: string[]
}

/** Totals before the first batch. */
export const emptyOfferTotals = (): OfferTotals => ({ items: 0, matched: 0, changed: 0, linesMarked: 0, unknown: 0, unknownSample: [] })

// An item without QTY 33/17 and without a restock date says nothing about stock: it changes nothing.
// The offers are looked up item by item through their indexes (a LATERAL kept apart by OFFSET 0):
// joined as sets, the planner hashes the supplier's whole offers table for every batch — two
// full scans per 5,000 items, so a file's cost grew with items × catalog size.
const APPLY_SQL = `
WITH u AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::date[]) WITH ORDINALITY AS u(sku, supplier_sku, qty, restock, n)
), by_sku AS (
  SELECT u.n, f.sku FROM u CROSS JOIN LATERAL (SELECT f.sku FROM offers f WHERE f.supplier_id = $1 AND f.sku = u.sku OFFSET 0) f
), by_supplier_sku AS (
  SELECT u.n, f.sku FROM u CROSS JOIN LATERAL (SELECT f.sku FROM offers f WHERE f.supplier_id = $1 AND f.supplier_sku = u.supplier_sku OFFSET 0) f
   WHERE u.supplier_sku IS NOT NULL AND NOT EXISTS (SELECT 1 FROM by_sku b WHERE b.n = u.n)
), hit AS (
  SELECT * FROM by_sku UNION ALL SELECT * FROM by_supplier_sku
), latest AS (
  SELECT DISTINCT ON (h.sku) h.sku, u.qty, u.restock, (u.qty IS NOT NULL OR u.restock IS NOT NULL) AS says
    FROM hit h JOIN u ON u.n = h.n ORDER BY h.sku, h.n DESC
), changed AS (
  UPDATE offers f
     SET available_qty = coalesce(l.qty, f.available_qty), restock_date = l.restock, updated_at = $6
    FROM latest l
   WHERE f.supplier_id = $1 AND f.sku = l.sku AND l.says
     AND (f.available_qty IS DISTINCT FROM coalesce(l.qty, f.available_qty) OR f.restock_date IS DISTINCT FROM l.restock)
  RETURNING f.sku
)
SELECT (SELECT count(DISTINCT n) FROM hit)::int AS matched,
       coalesce((SELECT array_agg(sku) FROM changed), '{}') AS changed,
       coalesce((SELECT array_agg(n::int ORDER BY n) FROM u WHERE NOT EXISTS (SELECT 1 FROM hit h WHERE h.n = u.n)), '{}') AS unknown`

function describeItem(u: OfferUpdate): string {
  return [u.sku ? `BP ${u.sku}` : null, u.supplierSku ? `VP ${u.supplierSku}` : null].filter(Boolean).join(' / ')
}

/** Applies one batch and adds its counts to `totals`. */
export async function applyOfferUpdates(
  tx: Queryable,
  supplierId: string,
  updates: OfferUpdate[],
  receivedAt: Date,
  totals: OfferTotals,
): Promise<void> {
  if (updates.length === 0) return
  const [r] = await tx.query<{ matched: number; changed: string[]; unknown: number[] }>(APPLY_SQL, [
    supplierId, updates.map((u) => u.sku), updates.map((u) => u.supplierSku), updates.map((u) => u.availableQty),
    updates.map((u) => u.restockDate), receivedAt,
  ])
  // Orders offered these SKUs as alternatives: their stored views are stale now.
  await markAlternativeViewsStale(tx, r.changed)
  totals.items += updates.length
  totals.matched += r.matched
  totals.changed += r.changed.length
  totals.linesMarked += await markViewsStaleForSkus(tx, r.changed)
  totals.unknown += r.unknown.length
  for (const n of r.unknown) {
    if (totals.unknownSample.length >= 10) break
    totals.unknownSample.push(describeItem(updates[n - 1]))
  }
}

/** One line for the CLI and the feed log ("to re-check": lines newly marked for the sweep). */
export function describeOfferTotals(t: OfferTotals, label = '846'): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
  const more = t.unknown > t.unknownSample.length ? ', …' : ''
  const unknown = t.unknown === 0 ? '' : `; ${n(t.unknown, 'unknown item')} (${t.unknownSample.join(', ')}${more})`
  return `${label}: ${n(t.items, 'item')}: ${n(t.matched, 'offer')} found, ${t.changed} changed, ${n(t.linesMarked, 'open line')} to re-check${unknown}`
}

/**
 * What the alternatives finder needs, read through indexes: the candidates of a set of lines are
 * the same SKU (offers_sku), its family (products_family) and its confirmed equivalents
 * (equivalents' primary key), with their in-stock offers and what accepted switches already hold.
 */
import type { Queryable } from './db.ts'
import type { CandidateOffer, CandidateProduct } from '../domain/alternatives.ts'
import { reservationKey } from '../domain/alternatives.ts'

export interface AlternativeInputs {
  /** What the customer paid per unit, by order line id (the line's unit_price, else the product's price). */
  unitPrice: Map<number, number | null>
  /** Family of each line SKU. */
  family: Map<string, string | null>
  /** Each line SKU's product as the finder's line needs it: color, size, and whether its family's sizes are interchangeable. */
  fit: Map<string, { color: string | null; size: string | null; sizeInterchangeable: boolean }>
  products: Map<string, CandidateProduct>
  /** In-stock offers by candidate SKU. */
  offersBySku: Map<string, CandidateOffer[]>
  /** Family members by family. */
  familySkus: Map<string, string[]>
  equivalents: Map<string, string[]>
  reserved: Map<string, number>
}

// Stock an accepted switch took counts against an offer until the supplier next reports its stock
// (a PO line placed after the offer's last update); from then on the supplier's figure includes it.
// Every step is a LATERAL lookup keyed by one SKU or family, so it is an index scan whatever plan
// the (prepared, possibly generic) statement gets: a hash join over all offers would read them all.
const CANDIDATES_SQL = `
WITH base AS MATERIALIZED (
  SELECT p.* FROM unnest($1::text[]) s(sku)
   CROSS JOIN LATERAL (SELECT sku, family, color, size, size_interchangeable FROM products WHERE sku = s.sku) p),
eq AS MATERIALIZED (
  SELECT e.sku AS base_sku, e.equivalent_sku AS sku FROM unnest($1::text[]) s(sku)
   CROSS JOIN LATERAL (SELECT sku, equivalent_sku FROM equivalents WHERE sku = s.sku) e),
fam AS MATERIALIZED (
  SELECT p.sku FROM (SELECT DISTINCT family FROM base WHERE family IS NOT NULL) f
   CROSS JOIN LATERAL (SELECT sku FROM products WHERE family = f.family) p),
cand AS MATERIALIZED (SELECT sku FROM base UNION SELECT sku FROM eq UNION SELECT sku FROM fam),
prods AS (SELECT p.* FROM cand c CROSS JOIN LATERAL (SELECT sku, name, brand, family, color, size, price FROM products WHERE sku = c.sku) p),
offs AS (
  SELECT f.*, s.name AS supplier_name, s.lead_time_days AS supplier_lead,
         (SELECT coalesce(sum(po.qty), 0) FROM po_lines po
           WHERE po.supplier_id = f.supplier_id AND po.sku = f.sku AND po.active AND po.resourced_from IS NOT NULL
             AND po.created_at > f.updated_at) AS reserved
    FROM cand c
   CROSS JOIN LATERAL (SELECT supplier_id, sku, available_qty, lead_time_days, cost, updated_at FROM offers WHERE sku = c.sku AND available_qty > 0) f
    JOIN suppliers s ON s.supplier_id = f.supplier_id)
SELECT json_build_object(
  'base', (SELECT coalesce(json_agg(json_build_object('sku', sku, 'family', family, 'color', color, 'size', size,
                 'sizeInterchangeable', size_interchangeable)), '[]') FROM base),
  'eq', (SELECT coalesce(json_agg(json_build_object('base', base_sku, 'sku', sku)), '[]') FROM eq),
  'products', (SELECT coalesce(json_agg(json_build_object('sku', sku, 'name', name, 'brand', brand, 'family', family,
                 'color', color, 'size', size, 'price', price)), '[]') FROM prods),
  'offers', (SELECT coalesce(json_agg(json_build_object('supplierId', supplier_id, 'supplierName', supplier_name, 'sku', sku,
                 'availableQty', available_qty, 'leadTimeDays', coalesce(lead_time_days, supplier_lead), 'cost', cost, 'reserved', reserved)), '[]')
               FROM offs),
  'prices', (SELECT coalesce(json_agg(json_build_object('id', l.order_line_id, 'price', coalesce(l.unit_price, p.price))), '[]')
               FROM order_lines l LEFT JOIN products p ON p.sku = l.sku WHERE l.order_line_id = ANY($2::bigint[]))
) AS data`

/** The candidates statement, for the benchmark's EXPLAIN (parameters: SKUs, order line ids). */
export const CANDIDATES_SQL_FOR_EXPLAIN = CANDIDATES_SQL

interface CandidateJson {
  base: { sku: string; family: string | null; color: string | null; size: string | null; sizeInterchangeable: boolean }[]
  eq: { base: string; sku: string }[]
  products: CandidateProduct[]
  offers: (CandidateOffer & { reserved: number })[]
  prices: { id: number; price: number | null }[]
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list) list.push(v)
  else m.set(k, [v])
}

/** Loads the candidates of lines (their SKUs) in one statement. */
export async function loadAlternativeInputs(db: Queryable, lines: { orderLineId: number; sku: string }[]): Promise<AlternativeInputs> {
  const skus = [...new Set(lines.map((l) => l.sku))]
  const [{ data }] = await db.query<{ data: CandidateJson }>(CANDIDATES_SQL, [skus, lines.map((l) => l.orderLineId)])
  const out: AlternativeInputs = {
    unitPrice: new Map(data.prices.map((p) => [p.id, p.price === null ? null : Number(p.price)])),
    family: new Map(data.base.map((b) => [b.sku, b.family])),
    fit: new Map(data.base.map((b) => [b.sku, { color: b.color, size: b.size, sizeInterchangeable: b.sizeInterchangeable }])),
    products: new Map(data.products.map((p) => [p.sku, { ...p, price: p.price === null ? null : Number(p.price) }])),
    offersBySku: new Map(),
    familySkus: new Map(),
    equivalents: new Map(),
    reserved: new Map(),
  }
  for (const p of out.products.values()) if (p.family) push(out.familySkus, p.family, p.sku)
  for (const e of data.eq) push(out.equivalents, e.base, e.sku)
  for (const o of data.offers) {
    const { reserved, ...offer } = o
    push(out.offersBySku, o.sku, { ...offer, cost: offer.cost === null ? null : Number(offer.cost) })
    if (Number(reserved) > 0) out.reserved.set(reservationKey(o.supplierId, o.sku), Number(reserved))
  }
  return out
}

/** The ordered product's color, size and size rule (a SKU not in the catalog: fitted, no size). */
export function lineFit(inputs: AlternativeInputs, sku: string): { color: string | null; size: string | null; sizeInterchangeable: boolean } {
  return inputs.fit.get(sku) ?? { color: null, size: null, sizeInterchangeable: false }
}

/** The products and offers one line's finder looks at (its SKU, its family, its equivalents). */
export function candidatesFor(inputs: AlternativeInputs, sku: string): { products: CandidateProduct[]; offers: CandidateOffer[]; equivalents: string[] } {
  const family = inputs.family.get(sku) ?? null
  const equivalents = inputs.equivalents.get(sku) ?? []
  const skus = new Set([sku, ...equivalents, ...(family ? inputs.familySkus.get(family) ?? [] : [])])
  const products: CandidateProduct[] = []
  const offers: CandidateOffer[] = []
  for (const s of skus) {
    const p = inputs.products.get(s)
    if (p) products.push(p)
    offers.push(...(inputs.offersBySku.get(s) ?? []))
  }
  return { products, offers, equivalents }
}

/**
 * Stored customer views carry alternatives, so an offer change (stock, restock date) of a SKU
 * makes stale the views of the orders whose open lines have it in their candidate set: the same
 * SKU, its family, or its equivalents — and only those orders (their version moves on).
 */
export async function markAlternativeViewsStale(tx: Queryable, skus: string[]): Promise<number> {
  if (skus.length === 0) return 0
  const rows = await tx.query(
    `WITH changed AS (SELECT unnest($1::text[]) AS sku),
     related AS (
       SELECT sku FROM changed
       UNION SELECT e.equivalent_sku FROM equivalents e JOIN changed c ON e.sku = c.sku
       UNION SELECT p2.sku FROM products p JOIN changed c ON p.sku = c.sku JOIN products p2 ON p2.family = p.family WHERE p.family IS NOT NULL)
     UPDATE orders o SET version = version + 1
      WHERE o.order_id IN (SELECT l.order_id FROM order_lines l
                            WHERE NOT l.closed AND l.state IN ('backordered', 'unavailable', 'delayed') AND l.sku IN (SELECT sku FROM related))
     RETURNING 1`,
    [skus],
  )
  return rows.length
}

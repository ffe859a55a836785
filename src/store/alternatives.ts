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
const CANDIDATES_SQL = `
WITH base AS (SELECT sku, family FROM products WHERE sku = ANY($1::text[])),
eq AS (SELECT e.sku AS base_sku, e.equivalent_sku AS sku FROM equivalents e WHERE e.sku = ANY($1::text[])),
fam AS (SELECT p.sku, p.family FROM products p WHERE p.family IN (SELECT family FROM base WHERE family IS NOT NULL)),
cand AS (SELECT sku FROM base UNION SELECT sku FROM eq UNION SELECT sku FROM fam)
SELECT json_build_object(
  'base', (SELECT coalesce(json_agg(json_build_object('sku', sku, 'family', family)), '[]') FROM base),
  'eq', (SELECT coalesce(json_agg(json_build_object('base', base_sku, 'sku', sku)), '[]') FROM eq),
  'products', (SELECT coalesce(json_agg(json_build_object('sku', p.sku, 'name', p.name, 'brand', p.brand, 'family', p.family, 'price', p.price)), '[]')
                 FROM products p WHERE p.sku IN (SELECT sku FROM cand)),
  'offers', (SELECT coalesce(json_agg(json_build_object('supplierId', f.supplier_id, 'supplierName', s.name, 'sku', f.sku,
                 'availableQty', f.available_qty, 'leadTimeDays', coalesce(f.lead_time_days, s.lead_time_days), 'cost', f.cost,
                 'reserved', (SELECT coalesce(sum(po.qty), 0) FROM po_lines po
                               WHERE po.supplier_id = f.supplier_id AND po.sku = f.sku AND po.active AND po.resourced_from IS NOT NULL
                                 AND po.created_at > f.updated_at))), '[]')
               FROM offers f JOIN suppliers s ON s.supplier_id = f.supplier_id
              WHERE f.sku IN (SELECT sku FROM cand) AND f.available_qty > 0),
  'prices', (SELECT coalesce(json_agg(json_build_object('id', l.order_line_id, 'price', coalesce(l.unit_price, p.price))), '[]')
               FROM order_lines l LEFT JOIN products p ON p.sku = l.sku WHERE l.order_line_id = ANY($2::bigint[]))
) AS data`

interface CandidateJson {
  base: { sku: string; family: string | null }[]
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

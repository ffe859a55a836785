import { demoDay } from './demo-day.ts'
import { addCalendarDays } from '../domain/calendar.ts'
import { FAMILIES, SUPPLIERS, type Category, type FamilyDef, type SupplierDef } from './catalog-data.ts'
import { toCsv, type Rng } from './random.ts'

export interface Product {
  sku: string
  name: string
  brand: string
  family: string
  color: string
  size: string | null
  price: number
  category: Category
  /** The family's sizes are interchangeable (packs, lengths); products CSV `size_interchangeable`. */
  sizeInterchangeable: boolean
}

export interface Offer {
  supplierId: string
  sku: string
  supplierSku: string
  cost: number
  availableQty: number
  restockDate: string | null
  leadTimeDays: number | null
}

export interface Catalog {
  suppliers: SupplierDef[]
  products: Product[]
  offers: Offer[]
  equivalents: [string, string][]
  offersBySku: Map<string, Offer[]>
}

/** A short code for a color or size in a SKU: "Heather Grey" → HGR, `10.25"` → 1025. */
function code(text: string, len = 3): string {
  const words = text.toUpperCase().replace(/[^A-Z0-9 ]/g, ' ').trim().split(/\s+/)
  if (/^\d/.test(words[0])) return words.join('').slice(0, 6)
  if (words.length === 1) return words[0].slice(0, len)
  return (words.map((w) => w[0]).join('') + words[words.length - 1].slice(1)).slice(0, len)
}

function productsOf(def: Pick<FamilyDef, 'category' | 'brand' | 'code' | 'name' | 'sizes' | 'sizeStep' | 'sizeInterchangeable'>, colors: string[], price: number): Product[] {
  const brand = def.brand.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 3)
  const family = def.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
  return colors.flatMap((color) =>
    def.sizes.map((size, i) => ({
      sku: [brand, def.code, code(color), ...(size ? [code(size)] : [])].join('-'),
      name: `${def.name} - ${color}${size ? ` / ${size}` : ''}`,
      brand: def.brand,
      family,
      color,
      size,
      price: price + i * def.sizeStep - 0.01,
      category: def.category,
      sizeInterchangeable: def.sizeInterchangeable ?? false,
    })),
  )
}

/** Every family and its parallel manufacturer's twin; twins are equivalents by position. */
function buildProducts(): { products: Product[]; equivalents: [string, string][] } {
  const products: Product[] = []
  const equivalents: [string, string][] = []
  for (const def of FAMILIES) {
    const own = productsOf(def, def.colors, def.price)
    products.push(...own)
    if (!def.twin) continue
    const twin = productsOf({ ...def, ...def.twin }, def.twin.colors ?? def.colors, def.twin.price)
    products.push(...twin)
    own.forEach((p, i) => equivalents.push([p.sku, twin[i].sku]))
  }
  const seen = new Set<string>()
  for (const p of products) {
    if (seen.has(p.sku)) throw new Error(`demo catalog: duplicate SKU ${p.sku}`)
    seen.add(p.sku)
  }
  return { products, equivalents }
}

function supplierSku(s: SupplierDef, p: Product, n: number): string {
  if (s.id === 'peak') return `${s.skuPrefix}${p.sku.split('-').slice(1).join('')}`.toLowerCase()
  if (s.id === 'lumen') return `${s.skuPrefix}${p.sku.split('-')[1]}-${1000 + n}`
  // Each supplier numbers its catalog its own way: a base derived from its id keeps them apart.
  const base = 10_000 + ([...s.id].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % 80_000)
  return `${s.skuPrefix}${String(base + n * 7).padStart(6, '0')}`
}

/**
 * Who sells what: each family is carried by 2–3 of its category's suppliers (a supplier carries
 * a whole line), with a few SKUs missing at one of them. About 7% of offers are out of stock,
 * most with a restock date.
 */
function buildOffers(rng: Rng, products: Product[], now: Date): Offer[] {
  const offers: Offer[] = []
  const counters = new Map<string, number>()
  const byFamily = new Map<string, Product[]>()
  for (const p of products) byFamily.set(p.family, [...(byFamily.get(p.family) ?? []), p])
  for (const family of byFamily.values()) {
    const able = SUPPLIERS.filter((s) => s.categories.includes(family[0].category))
    const carriers = rng.shuffle(able).slice(0, Math.min(able.length, rng.int(2, 3)))
    for (const p of family) {
      const skip = carriers.length > 1 && rng.chance(0.12) ? rng.pick(carriers) : null
      for (const s of carriers) {
        if (s === skip) continue
        const n = (counters.get(s.id) ?? 0) + 1
        counters.set(s.id, n)
        offers.push(makeOffer(rng, s, p, n, now))
      }
    }
  }
  return offers
}

function makeOffer(rng: Rng, s: SupplierDef, p: Product, n: number, now: Date): Offer {
  const out = rng.chance(0.07)
  const bulky = p.category === 'furniture'
  return {
    supplierId: s.id,
    sku: p.sku,
    supplierSku: supplierSku(s, p, n),
    cost: Math.round(p.price * rng.float(0.48, 0.62) * 100) / 100,
    availableQty: out ? 0 : bulky ? rng.int(2, 40) : rng.int(6, 240),
    restockDate: out && rng.chance(0.75) ? addCalendarDays(demoDay(now), rng.int(4, 45)) : null,
    leadTimeDays: bulky && s.id === 'greatlakes' ? 5 : null,
  }
}

export function buildCatalog(rng: Rng, now: Date): Catalog {
  const { products, equivalents } = buildProducts()
  const offers = buildOffers(rng, products, now)
  const offersBySku = new Map<string, Offer[]>()
  for (const o of offers) offersBySku.set(o.sku, [...(offersBySku.get(o.sku) ?? []), o])
  return { suppliers: SUPPLIERS, products, offers, equivalents, offersBySku }
}

export function catalogCsv(c: Catalog): { suppliers: string; products: string; offers: string; equivalents: string } {
  return {
    suppliers: toCsv(
      ['supplier_id', 'name', 'email', 'phone', 'edi_id', 'lead_time_days'],
      c.suppliers.map((s) => [s.id, s.name, s.email, s.phone, s.ediId, s.leadTimeDays]),
    ),
    products: toCsv(
      ['sku', 'name', 'brand', 'family', 'color', 'size', 'price', 'size_interchangeable'],
      c.products.map((p) => [p.sku, p.name, p.brand, p.family, p.color, p.size, p.price.toFixed(2), String(p.sizeInterchangeable)]),
    ),
    offers: toCsv(
      ['supplier_id', 'sku', 'supplier_sku', 'cost', 'available_qty', 'restock_date', 'lead_time_days'],
      c.offers.map((o) => [o.supplierId, o.sku, o.supplierSku, o.cost.toFixed(2), o.availableQty, o.restockDate, o.leadTimeDays]),
    ),
    equivalents: toCsv(['sku', 'equivalent_sku'], c.equivalents),
  }
}

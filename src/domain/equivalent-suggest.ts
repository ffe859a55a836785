/**
 * Suggested equivalents: products of another brand that look like the same thing — the same
 * color and size, and most of the same words in the name once brand, color and size words are
 * set aside. Only suggestions: a rep confirms one before any customer is offered it. Pure.
 */

export interface SuggestProduct {
  sku: string
  name: string
  brand: string | null
  family: string | null
  color: string | null
  size: string | null
}

export interface EquivalentSuggestion {
  sku: string
  equivalentSku: string
  /** Share of name words in common (Jaccard, 0..1). */
  score: number
  reason: string
}

const norm = (s: string | null) => (s ?? '').trim().toLowerCase()
const words = (s: string | null) => norm(s).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0)

/** The name's words that say what the product is (not who makes it, nor its color or size). */
export function nameTokens(p: SuggestProduct): Set<string> {
  const drop = new Set([...words(p.brand), ...words(p.color), ...words(p.size)])
  return new Set(words(p.name).filter((w) => !drop.has(w)))
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let common = 0
  for (const w of a) if (b.has(w)) common++
  const union = a.size + b.size - common
  return union === 0 ? 0 : common / union
}

/**
 * Pairs (each once, lower SKU first) of different brands with the same color and size and name
 * words in common at least `minScore` (default 0.5), best first; `known` pairs ("A|B", either
 * way round) are left out. Products are grouped by color and size first, so the work is within
 * groups, not over every pair of the catalog.
 */
export function suggestEquivalents(products: SuggestProduct[], known: ReadonlySet<string>, minScore = 0.5): EquivalentSuggestion[] {
  const groups = new Map<string, SuggestProduct[]>()
  for (const p of products) {
    if (!p.brand) continue
    const key = `${norm(p.color)}|${norm(p.size)}`
    const g = groups.get(key)
    if (g) g.push(p)
    else groups.set(key, [p])
  }
  const out: EquivalentSuggestion[] = []
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => (a.sku < b.sku ? -1 : 1))
    const tokens = sorted.map(nameTokens)
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const [a, b] = [sorted[i], sorted[j]]
        if (norm(a.brand) === norm(b.brand) || known.has(`${a.sku}|${b.sku}`) || known.has(`${b.sku}|${a.sku}`)) continue
        const score = jaccard(tokens[i], tokens[j])
        if (score < minScore) continue
        const same = [a.color ? `color ${a.color}` : null, a.size ? `size ${a.size}` : null].filter(Boolean).join(', ')
        out.push({
          sku: a.sku, equivalentSku: b.sku, score: Math.round(score * 100) / 100,
          reason: `${a.brand} vs ${b.brand}: ${Math.round(score * 100)}% of name words shared${same ? `, same ${same}` : ''}`,
        })
      }
    }
  }
  return out.sort((x, y) => y.score - x.score || (x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : x.equivalentSku < y.equivalentSku ? -1 : 1))
}

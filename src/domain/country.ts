/**
 * Countries by their ISO 3166-1 alpha-2 code (US, GB, BR): a store's country, a supplier's
 * ship-from country, an order's ship-to country. Known codes are those the runtime's ICU names
 * (Intl.DisplayNames), so no hand-written list goes stale.
 */
const regions = new Intl.DisplayNames(['en'], { type: 'region' })

/** The code in capitals when `text` is a known 2-letter country code, else null. */
export function normalizeCountry(text: string): string | null {
  const code = text.trim().toUpperCase()
  if (!/^[A-Z]{2}$/.test(code)) return null
  const name = regions.of(code)
  // An unknown code comes back as itself; ZZ is "Unknown Region".
  return name && name !== code && code !== 'ZZ' ? code : null
}

export const COUNTRY_EXPECTED = 'a 2-letter ISO country code such as US, GB or BR'

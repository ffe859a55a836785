/**
 * Lanes at falling precision (DESIGN.md "Truthful dates"): ship-from → ship-to, each read as its
 * country and the first 3 characters of its postal code, then the first 1, then the country
 * alone. Any country's codes work the same way: a US ZIP (`940…`), a Brazilian CEP prefix
 * (`01310`), a UK outward code (`SW1A`) — letters and digits, spaces dropped, upper case.
 */

export interface Place {
  postalCode: string | null
  country: string
}

/** Characters of the postal code kept at each precision, finest first; 0 is the country alone. */
export const LANE_PRECISIONS = [3, 1, 0] as const

/** The postal code as compared: letters and digits only, upper case. */
export function compactPostal(code: string | null): string {
  return (code ?? '').toUpperCase().replace(/[^0-9A-Z]/g, '')
}

function placeAt(place: Place, chars: number): string {
  const country = (place.country || '?').toUpperCase()
  if (chars === 0) return country
  const code = compactPostal(place.postalCode)
  // A place with no postal code is only known to its country: it has no finer lane.
  return code === '' ? '' : `${country} ${code.slice(0, chars)}`
}

/**
 * The lane's keys from finest to widest (`US 940 → US 100`, `US 9 → US 1`, `US → US`); a
 * precision a place cannot be read at (no postal code) is left out.
 */
export function laneKeys(from: Place, to: Place): string[] {
  const keys: string[] = []
  for (const chars of LANE_PRECISIONS) {
    const a = placeAt(from, chars)
    const b = placeAt(to, chars)
    if (a !== '' && b !== '') keys.push(`${a} → ${b}`)
  }
  return keys
}

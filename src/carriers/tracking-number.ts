/**
 * A first guess at a tracking number's carrier from its shape, for feeds that give a number
 * without a carrier. Common US formats only; check digits are not verified here.
 */
export function detectCarrier(raw: string): string | null {
  const n = raw.replace(/\s+/g, '').toUpperCase()
  if (/^1Z[0-9A-Z]{16}$/.test(n)) return 'UPS'
  if (/^(94|93|92|95)\d{20}$/.test(n) || /^(420\d{5})?9[1-5]\d{20}$/.test(n) || /^[A-Z]{2}\d{9}US$/.test(n)) return 'USPS'
  if (/^\d{12}$/.test(n) || /^\d{15}$/.test(n) || /^96\d{20}$/.test(n)) return 'FedEx'
  if (/^\d{10}$/.test(n)) return 'DHL'
  if (/^[CD]\d{14}$/.test(n)) return 'OnTrac'
  if (/^1L[A-Z]\d{15,17}$|^L[A-Z]\d{8}$/.test(n)) return 'LaserShip'
  if (/^TBA\d{12}$/.test(n)) return 'Amazon'
  return null
}

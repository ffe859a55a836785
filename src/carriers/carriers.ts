/**
 * Carriers wismo knows by name: display name and public tracking page. Names from feeds come in
 * many spellings (SCAC codes, "FEDX", "fedex_ground"): `normalizeCarrier` maps them to one key.
 */
export interface CarrierInfo {
  key: string
  name: string
  /** Tracking page with `{n}` for the number. */
  url: string
}

const CARRIERS: CarrierInfo[] = [
  { key: 'ups', name: 'UPS', url: 'https://www.ups.com/track?tracknum={n}' },
  { key: 'fedex', name: 'FedEx', url: 'https://www.fedex.com/fedextrack/?trknbr={n}' },
  { key: 'usps', name: 'USPS', url: 'https://tools.usps.com/go/TrackConfirmAction?tLabels={n}' },
  { key: 'dhl', name: 'DHL', url: 'https://www.dhl.com/en/express/tracking.html?AWB={n}' },
  { key: 'ontrac', name: 'OnTrac', url: 'https://www.ontrac.com/tracking/?number={n}' },
  { key: 'lasership', name: 'LaserShip', url: 'https://www.lasership.com/track/{n}' },
  { key: 'amazon', name: 'Amazon Logistics', url: 'https://track.amazon.com/tracking/{n}' },
  { key: 'canadapost', name: 'Canada Post', url: 'https://www.canadapost-postescanada.ca/track-reperage/en#/details/{n}' },
  { key: 'purolator', name: 'Purolator', url: 'https://www.purolator.com/en/shipping/tracker?pin={n}' },
]

const ALIASES: Record<string, string> = {
  ups: 'ups', upsn: 'ups', 'united parcel service': 'ups', upsg: 'ups',
  fedex: 'fedex', fedx: 'fedex', fdeg: 'fedex', fdxg: 'fedex', fdx: 'fedex', fxfe: 'fedex', 'fedex ground': 'fedex', fed2: 'fedex',
  usps: 'usps', 'us postal service': 'usps', 'u.s. postal service': 'usps',
  dhl: 'dhl', dhlc: 'dhl', dhle: 'dhl', 'dhl express': 'dhl',
  ontrac: 'ontrac', lasership: 'lasership', amazon: 'amazon', amzl: 'amazon',
  canadapost: 'canadapost', 'canada post': 'canadapost', purolator: 'purolator',
}

/** The carrier a feed's name or SCAC refers to, or null when wismo does not know it. */
export function findCarrier(name: string | null | undefined): CarrierInfo | null {
  if (!name) return null
  const key = ALIASES[name.trim().toLowerCase().replace(/[_-]+/g, ' ')] ?? ALIASES[name.trim().toLowerCase().split(/[\s_-]/)[0]]
  return CARRIERS.find((c) => c.key === key) ?? null
}

/** Display name for a carrier as a feed spelled it (unknown carriers keep their own spelling). */
export function carrierName(name: string | null | undefined): string | null {
  return findCarrier(name)?.name ?? name ?? null
}

/** The public tracking page for a number, when the carrier is known. */
export function trackingUrl(carrier: string | null | undefined, number: string): string | null {
  const info = findCarrier(carrier)
  return info ? info.url.replace('{n}', encodeURIComponent(number)) : null
}

/**
 * Carriers wismo knows by name: display name and public tracking page. Names from feeds come in
 * many spellings (SCAC codes, "FEDX", "fedex_ground", "United States Postal Service"):
 * `findCarrier` maps them to one carrier. Tracking pages come from the tracking_number_data
 * specs (src/carriers/data/couriers/*.json) where a courier has one; wismo's own otherwise.
 */
import { courierSpecs } from './tracking-specs.ts'

export interface CarrierInfo {
  /** The spec's `courier_code` (e.g. `ups`, `canada_post`), or wismo's own key. */
  key: string
  /** Display name (what customers and reps read). */
  name: string
  /** Tracking page with `%s` for the number, or null when the carrier has none. */
  url: string | null
}

interface CarrierDef {
  key: string
  name: string
  /** Used when the spec gives no tracking URL. */
  fallbackUrl?: string
  aliases: string[]
}

// Display names are stable (stored, shown, compared by feeds): keep them. Aliases are SCAC codes
// (as 856 TD503 and 214 B1003 send them) and common spellings; the spec's courier name and code
// are aliases too. Carriers without a tracking-number spec (freight) are here for their names.
const DEFS: CarrierDef[] = [
  { key: 'ups', name: 'UPS', aliases: ['upsn', 'upsg', 'upss', 'united parcel service', 'ups ground'] },
  {
    key: 'fedex', name: 'FedEx',
    aliases: ['fedx', 'fdeg', 'fdxg', 'fdx', 'fde', 'fden', 'fdxe', 'fxfe', 'fxnl', 'fxsp', 'fed2', 'fedex ground', 'fedex express', 'federal express'],
  },
  { key: 'usps', name: 'USPS', aliases: ['us postal service', 'u.s. postal service', 'united states postal service', 'us mail'] },
  { key: 'dhl', name: 'DHL', aliases: ['dhlc', 'dhle', 'dhlg', 'dhl express', 'dhl ecommerce'] },
  // OnTrac's SCAC is its legal name's, Express Messenger Systems.
  { key: 'ontrac', name: 'OnTrac', aliases: ['ontc', 'emsy', 'ontrac'] },
  { key: 'lasership', name: 'LaserShip', fallbackUrl: 'https://www.lasership.com/track/%s', aliases: ['lshp', 'lasership'] },
  { key: 'amazon', name: 'Amazon Logistics', fallbackUrl: 'https://track.amazon.com/tracking/%s', aliases: ['amzl', 'amzn', 'amazon', 'amazon shipping'] },
  { key: 'canada_post', name: 'Canada Post', aliases: ['canadapost', 'postes canada'] },
  { key: 'purolator', name: 'Purolator', aliases: ['prla', 'purolator inc'] },
  { key: 'canpar', name: 'Canpar', aliases: ['cnpr', 'canpar express'] },
  { key: 'dpd', name: 'DPD', aliases: [] },
  { key: 'gofo', name: 'GOFO Express', aliases: [] },
  { key: 'landmark', name: 'Landmark Global', aliases: ['landmark'] },
  { key: 'old_dominion', name: 'Old Dominion', aliases: ['odfl'] },
  { key: 's10', name: 'S10 International Standard', aliases: ['s10', 'upu s10'] },
  { key: 'speedee', name: 'Spee-Dee Delivery', aliases: ['spee dee', 'speedee'] },
  { key: 'yodel', name: 'Yodel', aliases: [] },
  { key: 'yunexpress', name: 'YunExpress', aliases: ['yun express'] },
  // Freight (LTL and truckload) carriers by SCAC: the ones service-level.ts knows as freight.
  { key: 'aaa_cooper', name: 'AAA Cooper', aliases: ['aact'] },
  { key: 'abf', name: 'ABF Freight', aliases: ['abfs'] },
  { key: 'averitt', name: 'Averitt Express', aliases: ['avrt'] },
  { key: 'central_freight', name: 'Central Freight Lines', aliases: ['cenf'] },
  { key: 'central_transport', name: 'Central Transport', aliases: ['ctii'] },
  { key: 'chrobinson', name: 'C.H. Robinson', aliases: ['chrw'] },
  { key: 'conway', name: 'Con-way Freight', aliases: ['cnwy'] },
  { key: 'dayton_freight', name: 'Dayton Freight', aliases: ['dafg'] },
  { key: 'dohrn', name: 'Dohrn Transfer', aliases: ['dhrn'] },
  { key: 'estes_express', name: 'Estes Express Lines', aliases: ['exla'] },
  { key: 'holland', name: 'Holland', aliases: ['hmes'] },
  { key: 'jbhunt', name: 'J.B. Hunt', aliases: ['jbht'] },
  { key: 'nemf', name: 'New England Motor Freight', aliases: ['nemf'] },
  { key: 'pitt_ohio', name: 'Pitt Ohio', aliases: ['pitd'] },
  { key: 'rl_carriers', name: 'R+L Carriers', aliases: ['rlca'] },
  { key: 'roadway', name: 'Roadway Express', aliases: ['rdwy'] },
  { key: 'saia', name: 'Saia', aliases: ['saia'] },
  { key: 'southeastern', name: 'Southeastern Freight Lines', aliases: ['sefl'] },
  { key: 'swift_transportation', name: 'Swift Transportation', aliases: ['swft'] },
  // UPS Freight (UPGF), before it Overnite (OVNT): TForce Freight since 2021.
  { key: 'tforce', name: 'TForce Freight', aliases: ['upgf', 'ovnt', 'ups freight'] },
  { key: 'ward', name: 'Ward Trucking', aliases: ['ward'] },
  { key: 'xpo', name: 'XPO', aliases: ['xpol', 'xpo logistics'] },
  { key: 'yrc', name: 'YRC Freight', aliases: ['yfsy'] },
]

/** What some suppliers put where a carrier goes when there is none to name (TD503 "NONE", "XXXX"). */
const PLACEHOLDERS = new Set(['none', 'na', 'xxxx', 'xxx', 'zzzz', 'scac', 'unknown', 'unkn', 'tbd', 'other', 'null'])

let table: { carriers: Map<string, CarrierInfo>; aliases: Map<string, string> } | null = null

/** Lower case, letters and digits only: "U.S. Postal-Service" and "us_postal service" agree. */
const compact = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '')

function build(): NonNullable<typeof table> {
  if (table) return table
  const specs = new Map(courierSpecs().map((c) => [c.courier_code, c]))
  const carriers = new Map<string, CarrierInfo>()
  const aliases = new Map<string, string>()
  for (const def of DEFS) {
    const spec = specs.get(def.key)
    const specUrl = spec?.tracking_numbers.map((f) => f.tracking_url).find((u) => u) ?? null
    carriers.set(def.key, { key: def.key, name: def.name, url: secure(specUrl) ?? def.fallbackUrl ?? null })
    const names = [def.key, def.name, ...def.aliases, ...(spec ? [spec.name] : [])]
    for (const n of names) if (!aliases.has(compact(n))) aliases.set(compact(n), def.key)
  }
  table = { carriers, aliases }
  return table
}

/** The spec URLs are from 2017–2024 and some are `http://`; every one of these sites serves https. */
function secure(url: string | null): string | null {
  return url ? url.replace(/^http:\/\//, 'https://') : null
}

/**
 * The carrier a feed's name, SCAC code or courier code refers to (any case, spaces, dashes or
 * underscores), or null when wismo does not know it. "FedEx Ground Economy" falls back on its
 * first word.
 */
export function findCarrier(name: string | null | undefined): CarrierInfo | null {
  if (!name || !name.trim()) return null
  const { carriers, aliases } = build()
  const key = aliases.get(compact(name)) ?? aliases.get(compact(name.trim().split(/[\s_-]+/)[0]))
  return key ? (carriers.get(key) ?? null) : null
}

/** The carrier for a tracking_number_data `courier_code` (always known for the 18 spec couriers). */
export function carrierByCode(code: string): CarrierInfo | null {
  return build().carriers.get(code) ?? null
}

/** The carrier a feed names, as it spelled it; null when it names none (empty, or a placeholder). */
export function carrierGiven(name: string | null | undefined): string | null {
  const trimmed = name?.trim() ?? ''
  return trimmed === '' || PLACEHOLDERS.has(compact(trimmed)) ? null : trimmed
}

/**
 * Display name for a carrier as a feed spelled it: a known SCAC or spelling gives the carrier's
 * name ("PRLA" is Purolator); an unknown one keeps its own spelling; a placeholder gives none.
 */
export function carrierName(name: string | null | undefined): string | null {
  const given = carrierGiven(name)
  return given === null ? null : (findCarrier(given)?.name ?? given)
}

/** Fills a `%s` tracking-URL template with the number (URL-encoded). */
export function fillTrackingUrl(template: string | null, number: string): string | null {
  return template ? template.replace('%s', encodeURIComponent(number)) : null
}

/** The public tracking page for a number, when the carrier is known and has one. */
export function trackingUrl(carrier: string | null | undefined, number: string): string | null {
  return fillTrackingUrl(findCarrier(carrier)?.url ?? null, number.replace(/\s+/g, ''))
}

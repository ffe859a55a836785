/**
 * Carrier service names → the service level transit days are kept by (docs/formats.md
 * "Carrier services"). 856 TD5 segments and carrier feeds say `UPS GROUND`, `FEDX 2 DAY`,
 * `FedEx Home Delivery`, `USPS Priority Mail`, `fedex_ground`; the calendar knows `ground`,
 * `2day`, … Pure: names in, one level out; an unknown name gives `default`.
 */

/** The levels the calendar's transit table is keyed by (DEFAULT_CALENDAR.transitDays). */
export const SERVICE_LEVELS = [
  'next_day', 'priority_express', '2day', '3day', 'priority', 'ground', 'mail', 'economy', 'freight', 'default',
] as const
export type ServiceLevel = (typeof SERVICE_LEVELS)[number]

/**
 * Tried in order on the service name in upper case, words only ("FEDEX_2_DAY" reads
 * "FEDEX 2 DAY"): the more specific names first (Priority Mail Express before Priority Mail,
 * Ground Economy before Ground, Express Saver before Express).
 */
const BY_NAME: [RegExp, ServiceLevel][] = [
  [/\b(FREIGHT|LTL|TRUCKLOAD|TL)\b/, 'freight'],
  [/\b(PRIORITY MAIL EXPRESS|PRIORITY EXPRESS|EXPRESS MAIL)\b/, 'priority_express'],
  [/\b(SMART ?POST|SURE ?POST|GROUND ECONOMY|ECONOMY|MAIL INNOVATIONS|PARCEL SELECT|MEDIA MAIL|BASIC)\b/, 'economy'],
  [/\b(EXPRESS SAVER|3 ?DAY|THREE DAY|3DS)\b/, '3day'],
  [/\b(2 ?DAY|2ND DAY|SECOND DAY|TWO DAY|2DA|BLUE)\b/, '2day'],
  [/\b(OVERNIGHT|NEXT DAY|NEXTDAY|NDA|1 ?DAY|ONE DAY|RED|EXPRESS 12|EXPRESS 9|EXPRESS WORLDWIDE|SAME DAY)\b/, 'next_day'],
  [/\bPRIORITY( MAIL)?\b/, 'priority'],
  [/\b(FIRST CLASS|GROUND ADVANTAGE)\b/, 'mail'],
  [/\b(GROUND|HOME DELIVERY|STANDARD|PARCEL)\b/, 'ground'],
]

/**
 * SCAC codes of freight carriers (LTL and truckload): whatever their TD505 routing says
 * ("AVERITT EXPRESS…", "OVERNITE"), a pallet takes freight transit times.
 */
const FREIGHT_SCACS = new Set([
  'ABFS', 'AACT', 'AVRT', 'CENF', 'CNWY', 'CTII', 'DAFG', 'DHRN', 'EXLA', 'FXFE', 'FXNL', 'HMES', 'JBHT', 'NEMF', 'ODFL', 'OVNT',
  'PITD', 'RDWY', 'RLCA', 'SAIA', 'SEFL', 'SWFT', 'UPGF', 'WARD', 'XPOL', 'YFSY', 'CHRW',
])

/** The carrier names that say their service without a service name (a SCAC that is a service). */
const BY_CARRIER: Record<string, ServiceLevel> = {
  FDEG: 'ground', FDXG: 'ground', FXSP: 'economy', UPSG: 'ground', FED2: '2day', FDE2: '2day',
}

const words = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]+/g, ' ').trim()

/**
 * The service level of a carrier + service name. A level name itself (`ground`, `2day`) is
 * taken as is; a freight SCAC is freight; else the name's words, else what the carrier code
 * says of its service (FDEG is FedEx Ground), else `default`.
 */
export function serviceLevel(carrier: string | null | undefined, service: string | null | undefined): ServiceLevel {
  const raw = (service ?? '').trim().toLowerCase()
  if ((SERVICE_LEVELS as readonly string[]).includes(raw)) return raw as ServiceLevel
  const scac = words(carrier ?? '').replace(/ /g, '')
  if (FREIGHT_SCACS.has(scac)) return 'freight'
  const name = words(service ?? '')
  for (const [pattern, level] of BY_NAME) if (name && pattern.test(name)) return level
  return Object.hasOwn(BY_CARRIER, scac) ? BY_CARRIER[scac] : 'default'
}

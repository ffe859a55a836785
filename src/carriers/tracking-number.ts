/**
 * Tracking-number recognition driven by the tracking_number_data specs (18 couriers, see
 * tracking-specs.ts): which courier and format a number belongs to, whether its check digit
 * (and any lookup the spec requires) holds, and its tracking page.
 */
import { carrierByCode, fillTrackingUrl, findCarrier } from './carriers.ts'
import { verifyChecksum } from './tracking-checksums.ts'
import { MAX_NUMBER_LENGTH } from './tracking-regex.ts'
import { shapeOf, trackingFormats, type TrackingFormat } from './tracking-specs.ts'

/** What wismo recognized in a tracking number. */
export interface TrackingNumberMatch {
  /** Upper case, without spaces (and without dashes, unless the format itself has one). */
  number: string
  /** Display name (`UPS`, `FedEx`, `USPS`, …); for S10 numbers, the issuing post. */
  carrier: string
  /** The spec's courier code (`ups`, `fedex`, `usps`, `s10`, …). */
  courierCode: string
  /** The spec format's id (`ups`, `fedex_12`, `usps_impb_c`, …). */
  format: string
  /** Check digit right and every lookup the spec requires found. */
  valid: boolean
  url: string | null
  /** Other couriers whose formats also accept the number as valid, most likely first. */
  alternatives: { carrier: string; courierCode: string; format: string }[]
  /**
   * Set (and `valid` false) when couriers' patterns without a check digit accept the number
   * equally: no evidence says whose it is, so wismo names none rather than guess.
   */
  ambiguous?: boolean
}

/**
 * How much a match says, best first: a check digit (or required code) that holds; a pattern
 * without one, for a number shaped like one its spec publishes; a bare pattern.
 */
const VERIFIED = 0
const PUBLISHED_SHAPE = 1
const PATTERN_ONLY = 2

// Order for exact ties only (same validity, equally specific formats): US carriers first, then
// the rest in the specs' file order.
const COURIER_PRIORITY = ['ups', 'fedex', 'usps', 'dhl', 'amazon', 'ontrac', 'lasership']

interface Candidate {
  format: TrackingFormat
  number: string
  groups: Record<string, string>
  valid: boolean
  variant: number
  evidence: number
}

/**
 * Recognizes a tracking number: spaces, dashes and case do not matter. Of every format that
 * matches, a valid one beats an invalid one; then the better evidence (a check digit, else a
 * shape the spec publishes, else the bare pattern: so JFV245892153, shaped like Purolator's
 * JFV247545960, is not DHL's looser piece-ID pattern); then the more specific format (the one
 * that accepts fewer numbers of this length, its check digit counted), so a USPS IMpb number is
 * not taken for a FedEx 34-digit one; exact ties go to UPS, FedEx, USPS, DHL, … in that order.
 * Two couriers' patterns without a check digit that fit equally well name no carrier (`ambiguous`).
 * Null when no format matches. Never throws.
 */
export function detectTrackingNumber(raw: string): TrackingNumberMatch | null {
  const candidates = variants(raw).flatMap((number, variant) => matchFormats(number, variant))
  if (candidates.length === 0) return null
  candidates.sort(compareCandidates)
  const [best, ...rest] = candidates
  const seen = new Set([best.format.courierCode])
  const others = best.valid ? rest.filter((c) => c.valid && !seen.has(c.format.courierCode) && seen.add(c.format.courierCode)) : []
  const alternatives = others.map(describe).map(({ carrier, courierCode, format }) => ({ carrier, courierCode, format }))
  const ambiguous = best.valid && best.evidence !== VERIFIED && others.some((c) => c.evidence === best.evidence)
  return { ...describe(best), valid: best.valid && !ambiguous, alternatives, ...(ambiguous ? { ambiguous } : {}) }
}

/**
 * The carrier's display name when `raw` is a valid tracking number (check digit included), else
 * null. Feeds use it for numbers that come without a carrier.
 */
export function detectCarrier(raw: string): string | null {
  const match = detectTrackingNumber(raw)
  return match?.valid ? match.carrier : null
}

/** The forms of the input worth matching: without dashes first, then with them (LaserShip's `-1`). */
function variants(raw: string): string[] {
  if (typeof raw !== 'string') return []
  const text = raw.normalize('NFKC').toUpperCase().replace(/[\u2010-\u2015\u2212]/g, '-').replace(/\s+/g, '')
  const plain = text.replace(/-+/g, '')
  if (plain.length === 0 || text.length > MAX_NUMBER_LENGTH) return []
  return plain === text ? [plain] : [plain, text]
}

function matchFormats(number: string, variant: number): Candidate[] {
  const out: Candidate[] = []
  for (const format of trackingFormats()) {
    const m = format.pattern.exec(number)
    if (!m) continue
    const groups: Record<string, string> = {}
    for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) groups[k] = v.replace(/\s+/g, '')
    const valid = checksumHolds(format, groups) && lookupsExist(format, groups)
    out.push({ format, number, groups, variant, valid, evidence: evidenceOf(format, number) })
  }
  return out
}

function evidenceOf(format: TrackingFormat, number: string): number {
  if (format.checksum || format.mustExist.length > 0) return VERIFIED
  return format.publishedShapes.has(shapeOf(number)) ? PUBLISHED_SHAPE : PATTERN_ONLY
}

function checksumHolds(format: TrackingFormat, groups: Record<string, string>): boolean {
  if (!format.checksum) return true
  let serial = groups.SerialNumber ?? ''
  if (format.prependIf && format.prependIf.test.test(serial)) serial = format.prependIf.content + serial
  return verifyChecksum(format.checksum, serial, groups.CheckDigit ?? '')
}

function lookupsExist(format: TrackingFormat, groups: Record<string, string>): boolean {
  return format.mustExist.every((name) => findLookup(format, groups, name) !== null)
}

/** The entry of the format's `additional` lookup `name` that the number's group value matches. */
function findLookup(format: TrackingFormat, groups: Record<string, string>, name: string) {
  const lookup = format.lookups.find((l) => l.name === name)
  const value = lookup ? groups[lookup.group] : undefined
  if (!lookup || value === undefined) return null
  return lookup.entries.find((e) => e.test(value))?.entry ?? null
}

function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.valid !== b.valid) return a.valid ? -1 : 1
  if (a.evidence !== b.evidence) return a.evidence - b.evidence
  const sizeA = a.format.log10Sizes[a.number.length]
  const sizeB = b.format.log10Sizes[b.number.length]
  if (Math.abs(sizeA - sizeB) > 1e-9) return sizeA - sizeB
  return rank(a.format.courierCode) - rank(b.format.courierCode) || a.format.order - b.format.order || a.variant - b.variant
}

let ranks: Map<string, number> | null = null

function rank(courierCode: string): number {
  ranks ??= new Map([...new Set([...COURIER_PRIORITY, ...trackingFormats().map((f) => f.courierCode)])].map((code, i) => [code, i]))
  return ranks.get(courierCode) ?? ranks.size
}

/** Carrier name and URL: the courier's, except S10 numbers, which belong to the post of their country code. */
function describe(c: Candidate): Omit<TrackingNumberMatch, 'valid' | 'alternatives'> {
  const base = { number: c.number, courierCode: c.format.courierCode, format: c.format.id }
  const post = findLookup(c.format, c.groups, 'Courier')
  if (post?.courier) {
    const known = findCarrier(post.courier)
    return { ...base, carrier: known?.name ?? post.courier, url: fillTrackingUrl(known?.url ?? null, c.number) }
  }
  const carrier = carrierByCode(c.format.courierCode)
  const template = c.format.url ? c.format.url.replace(/^http:\/\//, 'https://') : (carrier?.url ?? null)
  return { ...base, carrier: carrier?.name ?? c.format.courierName, url: fillTrackingUrl(template, c.number) }
}

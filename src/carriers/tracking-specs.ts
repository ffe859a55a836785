/**
 * The tracking-number specs of jkeen/tracking_number_data (MIT; see
 * data/LICENSE-tracking_number_data.md), read once from src/carriers/data/couriers/*.json and
 * compiled for JavaScript. Each courier file lists formats: a regex with named groups
 * (SerialNumber, CheckDigit, ServiceType, …), a `validation` block (checksum, serial-number
 * prefix rule, lookups that must exist), `additional` lookups and a `tracking_url` with `%s`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { z } from 'zod'
import { ChecksumSpecSchema, type ChecksumSpec } from './tracking-checksums.ts'
import { log10SizesByLength, translateRubyRegex, type Sizes } from './tracking-regex.ts'

const LookupSchema = z.looseObject({
  matches: z.string().optional(),
  matches_regex: z.string().optional(),
  name: z.string().optional(),
  courier: z.string().nullable().optional(),
  courier_url: z.string().nullable().optional(),
})
export type SpecLookup = z.infer<typeof LookupSchema>

const AdditionalSchema = z.object({ name: z.string(), regex_group_name: z.string(), lookup: z.array(LookupSchema) })

const FormatSchema = z.object({
  name: z.string(),
  id: z.string().optional(),
  regex: z.union([z.string(), z.array(z.string())]),
  validation: z
    .object({
      checksum: ChecksumSpecSchema.optional(),
      serial_number_format: z
        .object({ prepend_if: z.object({ matches_regex: z.string(), content: z.string() }).optional() })
        .optional(),
      additional: z.object({ exists: z.array(z.string()).optional() }).optional(),
    })
    .default({}),
  tracking_url: z.string().nullable().optional(),
  additional: z.array(AdditionalSchema).optional(),
  test_numbers: z.object({ valid: z.array(z.string()), invalid: z.array(z.string()) }),
})

/** One courier file of tracking_number_data, as zod checked it. */
export const CourierSpecSchema = z.object({
  name: z.string(),
  courier_code: z.string(),
  tracking_numbers: z.array(FormatSchema),
})
export type CourierSpec = z.infer<typeof CourierSpecSchema>

/** A lookup table of a format (`additional`), with its patterns compiled. */
export interface Lookup {
  name: string
  group: string
  entries: { entry: SpecLookup; test: (value: string) => boolean }[]
}

/** One format of one courier, ready to match. */
export interface TrackingFormat {
  courierCode: string
  courierName: string
  /** The spec's `id`, or a slug of its name for the few formats without one. */
  id: string
  name: string
  /** Anchored, whole-string pattern. */
  pattern: RegExp
  checksum: ChecksumSpec | null
  prependIf: { test: RegExp; content: string } | null
  /** Names of `additional` lookups that must find an entry for the number to be valid. */
  mustExist: string[]
  lookups: Lookup[]
  url: string | null
  /** Position of the format in its courier file: earlier formats are the courier's main ones. */
  order: number
  /**
   * By length, log10 of how many distinct numbers the format accepts (its check digit divides
   * them): the smaller, the more specific. Decides between two couriers that accept a number.
   */
  log10Sizes: Sizes
  /**
   * The shapes (letters as `A`, digits as `9`) of the spec's own valid test numbers. A format
   * without a check digit is only a pattern; a number shaped like one the spec publishes is
   * evidence the pattern was written for numbers like it.
   */
  publishedShapes: Set<string>
}

/** A number's shape: `JFV245892153` is `AAA999999999`. */
export function shapeOf(number: string): string {
  return number.replace(/[A-Z]/g, 'A').replace(/[0-9]/g, '9')
}

const DATA_DIR = new URL('./data/couriers/', import.meta.url)
let cache: { couriers: CourierSpec[]; formats: TrackingFormat[] } | null = null

/** The courier specs, in file-name order (read and checked on first use). */
export function courierSpecs(): CourierSpec[] {
  return load().couriers
}

/** Every format of every courier, compiled. */
export function trackingFormats(): TrackingFormat[] {
  return load().formats
}

function load(): { couriers: CourierSpec[]; formats: TrackingFormat[] } {
  if (cache) return cache
  const files = readdirSync(DATA_DIR).filter((f) => f.endsWith('.json')).sort()
  const couriers = files.map((file) => {
    const parsed = CourierSpecSchema.safeParse(JSON.parse(readFileSync(new URL(file, DATA_DIR), 'utf8')))
    if (!parsed.success) throw new Error(`tracking spec ${file}: ${parsed.error.message}`)
    return parsed.data
  })
  const formats = couriers.flatMap((c) => c.tracking_numbers.map((f, i) => compileFormat(c, f, i)))
  cache = { couriers, formats }
  return cache
}

function compileFormat(courier: CourierSpec, f: CourierSpec['tracking_numbers'][number], order: number): TrackingFormat {
  const source = translateRubyRegex(Array.isArray(f.regex) ? f.regex.join('') : f.regex)
  const checksum = f.validation.checksum ?? null
  const prepend = f.validation.serial_number_format?.prepend_if
  return {
    courierCode: courier.courier_code,
    courierName: courier.name,
    id: f.id ?? slug(f.name),
    name: f.name,
    // Ruby anchors the pattern as `^…$`; a group keeps a top-level `|` inside the anchors.
    pattern: new RegExp(`^(?:${source})$`),
    checksum,
    prependIf: prepend ? { test: new RegExp(translateRubyRegex(prepend.matches_regex)), content: prepend.content } : null,
    mustExist: f.validation.additional?.exists ?? [],
    lookups: (f.additional ?? []).map((a) => ({
      name: a.name,
      group: a.regex_group_name,
      entries: a.lookup.map((entry) => ({ entry, test: lookupTest(entry) })),
    })),
    url: f.tracking_url ?? null,
    order,
    log10Sizes: log10SizesByLength(source).map((x) => x - (checksum ? Math.log10(checkDigitOutcomes(checksum)) : 0)),
    publishedShapes: new Set(f.test_numbers.valid.map((n) => shapeOf(n.replace(/\s+/g, '').toUpperCase()))),
  }
}

/** How many check-digit values the algorithm spreads numbers over (1 in N random numbers pass). */
function checkDigitOutcomes(c: ChecksumSpec): number {
  if (c.name === 'mod7') return 7
  if (c.name === 'mod_37_36') return 36
  return c.modulo2 ?? 10
}

/** `matches` is an exact value; `matches_regex` is unanchored, as Ruby's `=~` is. */
function lookupTest(entry: SpecLookup): (value: string) => boolean {
  if (entry.matches !== undefined) return (value) => value === entry.matches
  if (entry.matches_regex !== undefined) {
    const re = new RegExp(translateRubyRegex(entry.matches_regex))
    return (value) => re.test(value)
  }
  return () => false
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')
}

/**
 * A supplier feed profile (DESIGN.md "Supplier feed profiles"; docs/formats.md): how one
 * supplier's own file — its columns, status words, date formats, units, a sheet of an XLSX —
 * maps onto wismo's status feed or offers rows. Pure: parsed and checked here, stored as JSON.
 */
import { z } from 'zod'
import { DateTime } from 'luxon'
import { DomainError } from '../../domain/errors.ts'

/** wismo's own fields a profile can fill, per target (docs/formats.md). */
export const TARGET_FIELDS = {
  status: ['po_number', 'po_line', 'sku', 'status', 'qty', 'expected_ship_date', 'carrier', 'service', 'tracking_number'],
  offers: ['sku', 'supplier_sku', 'available_qty', 'restock_date', 'status'],
} as const
export type Target = keyof typeof TARGET_FIELDS

/** The words each target's `status` column reads to. Offers: `out_of_stock` sets the stock to 0. */
export const TARGET_STATUSES = {
  status: ['accepted', 'backordered', 'shipped', 'cancelled', 'rejected'],
  offers: ['in_stock', 'out_of_stock'],
} as const

/** Fields read as dates and as whole quantities (with units). */
export const DATE_FIELDS = new Set(['expected_ship_date', 'restock_date'])
export const QTY_FIELDS = new Set(['qty', 'available_qty'])

const aliases = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((a) => (Array.isArray(a) ? a : [a]))

const dateFormat = z.string().min(1).refine((f) => {
  // A format luxon cannot write a date with is a typo (`MM/dd/yyy` still reads, so also round-trip).
  const sample = DateTime.utc(2026, 11, 23)
  const text = sample.toFormat(f)
  return DateTime.fromFormat(text, f, { zone: 'utc' }).hasSame(sample, 'day')
}, { message: 'is not a date format luxon can read back a full date with (e.g. "MM/dd/yyyy", "dd.MM.yyyy", "d MMM yyyy")' })

function knownLocale(tag: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0
  } catch {
    return false // not even a well-formed tag
  }
}

export const ProfileSchema = z
  .object({
    target: z.enum(['status', 'offers']),
    /** XLSX: the sheet by name, or by 1-based position; default the first. */
    sheet: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
    /** CSV: the field separator (`;` for many European exports); default `,`. */
    delimiter: z.string().length(1, 'must be one character').optional(),
    /** 1-based row of the header; default: the first row that holds every mapped required column. */
    headerRow: z.number().int().min(1).optional(),
    /** Rows whose first non-blank cell starts with one of these (any case) are not data: report totals, footers. */
    skipRows: z.array(z.string().min(1)).optional(),
    /** wismo field → the supplier's column names (any case, spaces squeezed). */
    columns: z.record(z.string(), aliases),
    /** The supplier's status word (any case, spaces squeezed) → wismo's word. */
    statuses: z.record(z.string(), z.string()).default({}),
    /** Text dates, tried in order (luxon tokens); ISO YYYY-MM-DD is always understood. */
    dateFormats: z.array(dateFormat).default([]),
    /** The language of month and day names in text dates (`"de-DE"` reads "15. Dez. 2026"); default English. */
    dateLocale: z.string().min(2).refine(knownLocale, 'is not a locale this system knows (e.g. "de-DE", "fr-FR")').optional(),
    /** A quantity's unit → units it holds: `{"EA": 1, "CS": 12}` reads "2 CS" as 24. */
    quantityUnits: z.record(z.string(), z.number().int().min(1)).optional(),
    /** Values for wismo fields the file lacks (a carrier the supplier always uses). */
    defaults: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const fields: readonly string[] = TARGET_FIELDS[p.target]
    const known = `one of ${fields.join(', ')}`
    const file = p.target === 'status' ? 'the status feed' : 'the offers file'
    for (const f of Object.keys(p.columns)) {
      if (!fields.includes(f)) ctx.addIssue({ code: 'custom', path: ['columns', f], message: `is not a field of ${file}; expected ${known}` })
    }
    for (const f of Object.keys(p.defaults ?? {})) {
      if (!fields.includes(f)) ctx.addIssue({ code: 'custom', path: ['defaults', f], message: `is not a field of ${file}; expected ${known}` })
    }
    const required = p.target === 'status' ? ['po_number', 'status'] : ['sku|supplier_sku']
    for (const r of required) {
      const any = r.split('|')
      if (!any.some((f) => p.columns[f] || p.defaults?.[f] !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['columns'], message: `must map ${any.join(' or ')} (${file} needs it)` })
      }
    }
    const words: readonly string[] = TARGET_STATUSES[p.target]
    const seen = new Map<string, string>()
    for (const theirs of Object.keys(p.statuses)) {
      const first = seen.get(squeeze(theirs))
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['statuses', theirs], message: `is the same word as "${first}" (case and spaces do not count)` })
      else seen.set(squeeze(theirs), theirs)
    }
    for (const [theirs, ours] of Object.entries(p.statuses)) {
      if (!words.includes(ours.trim().toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['statuses', theirs], message: `"${ours}" is not a status word of ${file}; expected one of ${words.join(', ')}` })
      }
    }
  })
export type Profile = z.infer<typeof ProfileSchema>

/** Squeezes a word for matching: case, surrounding and repeated spaces do not count. */
export const squeeze = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase()

/**
 * Reads a profile from JSON text; a bad one throws `PROFILE_INVALID` whose details name each
 * place (`statuses."B/O": …`, `dateFormats.1: …`) and what is wrong there.
 */
export function parseProfile(text: string): Profile {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new DomainError('PROFILE_INVALID', 'the profile is not JSON', { details: [`(file): ${(err as Error).message}`] })
  }
  const result = ProfileSchema.safeParse(json)
  if (result.success) return result.data
  const details = result.error.issues.map((i) => `${placeOf(i.path) || '(top)'}: ${i.message}`)
  throw new DomainError('PROFILE_INVALID', `the profile has ${details.length} problem${details.length > 1 ? 's' : ''}`, { details })
}

function placeOf(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? String(p) : /^[A-Za-z_][\w]*$/.test(String(p)) ? String(p) : JSON.stringify(String(p)))).join('.')
}

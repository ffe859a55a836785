import { z } from 'zod'
import { COUNTRY_EXPECTED, normalizeCountry } from '../../domain/country.ts'

/**
 * zod builders for CSV cells. A cell arrives as a string (or undefined when its column is
 * absent); surrounding blanks are trimmed and an empty cell means "no value". Messages are
 * written to be printed after `line N: field: `, so they say what was expected and what came.
 */

const INT_MAX = 2_147_483_647

function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

/** Quotes a cell for a message, cut short so one bad cell cannot flood the report. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
}

type Check<T> = (text: string) => { ok: true; value: T } | { ok: false; problem: string }

/** A cell parsed by `check`; required unless `.optional()` is called on the result. */
function cell<T>(check: Check<T>) {
  return z.string({ error: 'required' }).transform((text, ctx) => {
    const result = check(text)
    if (result.ok) return result.value
    ctx.addIssue({ code: 'custom', message: result.problem })
    return z.NEVER
  })
}

const plainText: Check<string> = (text) =>
  // U+FFFD is what a non-UTF-8 byte decodes to: better refused than stored as mojibake.
  text.includes('\uFFFD') ? { ok: false, problem: 'not valid UTF-8 text' } : { ok: true, value: text }

export const requiredText = () => z.preprocess(blankToUndefined, cell(plainText))
export const optionalText = () => z.preprocess(blankToUndefined, cell(plainText).optional())

export const optionalEmail = () =>
  z.preprocess(blankToUndefined, cell((text) =>
    z.email().safeParse(text).success ? { ok: true, value: text } : { ok: false, problem: `not an email address (got ${shown(text)})` },
  ).optional())

function integer(min: number): Check<number> {
  const expected = min === 0 ? 'a whole number ≥ 0' : `a whole number ≥ ${min}`
  return (text) => {
    const n = /^\+?\d{1,10}$/.test(text) ? Number(text) : NaN
    return Number.isInteger(n) && n >= min && n <= INT_MAX
      ? { ok: true, value: n }
      : { ok: false, problem: `expected ${expected} (got ${shown(text)})` }
  }
}

export const requiredInt = (min: number) => z.preprocess(blankToUndefined, cell(integer(min)))
export const optionalInt = (min: number) => z.preprocess(blankToUndefined, cell(integer(min)).optional())

/** Money as numeric(12,2): kept as a string so no binary rounding happens on the way in. */
export const optionalMoney = () =>
  z.preprocess(blankToUndefined, cell((text) =>
    /^\+?\d{1,10}(\.\d{1,2})?$/.test(text)
      ? { ok: true, value: text.replace(/^\+/, '') }
      : { ok: false, problem: `expected an amount ≥ 0 with at most 2 decimals, like 12.50 (got ${shown(text)})` },
  ).optional())

const BOOLEAN: Record<string, boolean> = { true: true, yes: true, y: true, '1': true, false: false, no: false, n: false, '0': false }

/** true/false (also yes/no, y/n, 1/0, any case); blank means "not given". */
export const optionalBoolean = () =>
  z.preprocess(blankToUndefined, cell((text) => {
    const value = BOOLEAN[text.toLowerCase()]
    return value === undefined ? { ok: false, problem: `expected true or false (got ${shown(text)})` } : { ok: true, value }
  }).optional())

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

const calendarDate: Check<string> = (text) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  return m && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))
    ? { ok: true, value: text }
    : { ok: false, problem: `expected a date YYYY-MM-DD (got ${shown(text)})` }
}

export const optionalDate = () => z.preprocess(blankToUndefined, cell(calendarDate).optional())

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * An ISO-8601 date or date-time, as an ISO string in UTC. A date alone is midnight UTC, and so
 * is a date-time without an offset: the importing machine's time zone must not change the data.
 */
const instant: Check<string> = (cellText) => {
  const text = cellText.toUpperCase() // 2024-05-01t10:00z is the same instant
  const m = INSTANT.exec(text)
  const fail = { ok: false as const, problem: `expected an ISO-8601 date or date-time, like 2024-05-01T14:30:00Z (got ${shown(cellText)})` }
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return fail
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return fail
  const zone = m[7] ?? 'Z'
  const base = m[4] === undefined ? `${text}T00:00:00` : text.replace(/(Z|[+-]\d{2}:?\d{2})$/, '').replace(' ', 'T')
  const date = new Date(`${base}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`)
  return Number.isNaN(date.getTime()) ? fail : { ok: true, value: date.toISOString() }
}

export const requiredInstant = () => z.preprocess(blankToUndefined, cell(instant))

/**
 * For a row-level refine: run it only when the cells it reads are valid themselves, so a rule
 * across cells is checked even when other cells of the row are bad (every problem, one pass).
 */
export function whenValid(...fields: string[]) {
  return (payload: { issues: ReadonlyArray<{ path?: PropertyKey[] }> }) =>
    !payload.issues.some((issue) => fields.includes(String(issue.path?.[0])))
}

/** Like requiredInstant, blank allowed ("not given"). */
export const optionalInstant = () => z.preprocess(blankToUndefined, cell(instant).optional())

/** An ISO 3166-1 alpha-2 country code, in any case; stored in capitals. */
export const optionalCountry = () =>
  z.preprocess(blankToUndefined, cell((text) => {
    const code = normalizeCountry(text)
    return code ? { ok: true, value: code } : { ok: false, problem: `expected ${COUNTRY_EXPECTED} (got ${shown(text)})` }
  }).optional())

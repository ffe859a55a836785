/**
 * One cell of a supplier's file read as wismo means it: a date, a whole quantity (with its unit),
 * a status word. Pure; a cell that cannot be read gives the problem in words.
 */
import { DateTime } from 'luxon'
import type { Cell } from './xlsx.ts'
import { excelCellDate, excelSerialToDate } from './excel-dates.ts'
import { squeeze } from './profile-schema.ts'
import { isRealIsoDate } from '../../util/dates.ts'

export type Reading = { value: string } | { problem: string }

const show = (c: Cell) => (c instanceof Date ? c.toISOString() : JSON.stringify(c))

/** Plain text of a cell (a number as written, a date cell as its day). */
export function readText(c: Cell): Reading {
  if (c === null) return { value: '' }
  if (c instanceof Date) {
    const d = excelCellDate(c)
    return 'date' in d ? { value: d.date } : d
  }
  return { value: String(c).trim() }
}

/**
 * A date: an Excel date cell or serial number (1900 or 1904 system), ISO `YYYY-MM-DD`, or text
 * in one of the profile's formats, tried in order.
 */
export function readDate(c: Cell, formats: string[], date1904: boolean, locale = 'en-US'): Reading {
  if (c === null) return { value: '' }
  if (c instanceof Date) {
    const d = excelCellDate(c)
    return 'date' in d ? { value: d.date } : d
  }
  if (typeof c === 'number') {
    const d = excelSerialToDate(c, date1904)
    return 'date' in d ? { value: d.date } : d
  }
  const text = c.trim()
  if (text === '') return { value: '' }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return isRealIsoDate(text) ? { value: text } : { problem: `"${text}" is not a real date` }
  // An ISO date-time (some exports write midnight): the day as written.
  const iso = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}/.exec(text)
  if (iso && isRealIsoDate(iso[1])) return { value: iso[1] }
  for (const f of formats) {
    const d = DateTime.fromFormat(text, f, { zone: 'utc', locale })
    if (d.isValid) return { value: d.toISODate()! }
  }
  const tried = formats.length > 0 ? `YYYY-MM-DD or ${formats.map((f) => `"${f}"`).join(', ')}` : 'YYYY-MM-DD (the profile lists no dateFormats)'
  return { problem: `"${text}" is not a date in ${tried}` }
}

const QTY = /^([+-]?\d{1,3}(?:,\d{3})+|[+-]?\d+)(?:\.(\d+))?\s*([A-Za-z][A-Za-z.]*)?$/

/** The units a word names: exact, then without a plural `s`/`es` ("cases" → "case"). */
function unitSize(word: string, units: Record<string, number>): number | undefined {
  const table = new Map(Object.entries(units).map(([k, v]) => [squeeze(k).replace(/\.$/, ''), v]))
  const w = squeeze(word).replace(/\.$/, '')
  return table.get(w) ?? table.get(w.replace(/es$/, '')) ?? table.get(w.replace(/s$/, ''))
}

/** A whole quantity: `12`, `1,200`, `12 EA`, `2 cases` (× the unit's size from `quantityUnits`). */
export function readQuantity(c: Cell, units: Record<string, number> | undefined): Reading {
  if (c === null) return { value: '' }
  if (typeof c === 'number') return Number.isInteger(c) ? { value: String(c) } : { problem: `${c} is not a whole number` }
  if (c instanceof Date) return { problem: `${show(c)} is a date, not a quantity` }
  const text = c.trim()
  if (text === '') return { value: '' }
  const m = QTY.exec(text)
  if (!m) return { problem: `"${text}" is not a quantity (a whole number, optionally with a unit: "12 EA")` }
  if (m[2] && /[^0]/.test(m[2])) return { problem: `"${text}" is not a whole number` }
  const n = Number(m[1].replace(/,/g, ''))
  if (!m[3]) return { value: String(n) }
  const size = units ? unitSize(m[3], units) : undefined
  if (size === undefined) {
    const known = units && Object.keys(units).length > 0 ? `known units: ${Object.keys(units).join(', ')}` : 'the profile has no quantityUnits'
    return { problem: `unit "${m[3]}" in "${text}" is not known (${known})` }
  }
  return { value: String(n * size) }
}

/**
 * A status word: the profile's words (any case, spaces squeezed), else wismo's own word.
 * Returns the wismo word.
 */
export function readStatus(c: Cell, statuses: Record<string, string>, own: readonly string[]): Reading {
  const text = c === null ? '' : String(c).trim()
  if (text === '') return { value: '' }
  const word = squeeze(text)
  for (const [theirs, ours] of Object.entries(statuses)) if (squeeze(theirs) === word) return { value: ours.trim().toLowerCase() }
  const plain = word.replace(/ /g, '_')
  if (own.includes(plain)) return { value: plain }
  const known = [...Object.keys(statuses), ...own]
  return { problem: `"${text}" is not a status word of this profile (known: ${known.join(', ')})` }
}

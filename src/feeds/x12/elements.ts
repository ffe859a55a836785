/**
 * Reading element values: quantities, dates and product ids, each checked, so a bad value is
 * refused with its segment, element position and the AK4 code a 997 reports.
 */
import type { IsoDate } from '../../domain/types.ts'
import { X12Error, printable } from './errors.ts'
import type { Segment, TransactionHeader } from './types.ts'

/** A code table's entry, never an inherited property ("constructor" is not a code). */
export function lookup<T>(table: Readonly<Record<string, T>>, code: string): T | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined
}

/** Element i of a segment, trimmed ('' when absent). */
export function el(seg: Segment, i: number): string {
  const v = seg.elements[i]
  return v === undefined ? '' : v.trim()
}

function elementName(seg: Segment, i: number): string {
  return `${seg.tag}${String(i).padStart(2, '0')}`
}

const INT_MAX = 2_147_483_647

/**
 * A quantity (X12 type R: "12", "1998.61", ".5"); null when empty. Fractions are cut to whole
 * units (wismo counts units); negative or absurd values are refused.
 */
export function readQty(seg: Segment, i: number): number | null {
  const raw = el(seg, i)
  if (raw === '') return null
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw)) {
    throw new X12Error(seg, `${elementName(seg, i)} "${printable(raw)}" is not a number`, { element: { position: i, code: '6', value: raw } })
  }
  const n = Math.floor(Number(raw))
  if (n < 0 || n > INT_MAX) {
    throw new X12Error(seg, `${elementName(seg, i)} ${printable(raw)} is not a quantity wismo can use (0 to ${INT_MAX})`, { element: { position: i, code: '6', value: raw } })
  }
  return n
}

/** A date CCYYMMDD (or YYMMDD in versions before 4010) as YYYY-MM-DD; null when empty. */
export function readDate(seg: Segment, i: number): IsoDate | null {
  const raw = el(seg, i)
  if (raw === '') return null
  const m = /^(\d{2})?(\d{2})(\d{2})(\d{2})$/.exec(raw)
  const invalid = () => new X12Error(seg, `${elementName(seg, i)} "${printable(raw)}" is not a date (CCYYMMDD)`, { element: { position: i, code: '8', value: raw } })
  if (!m) throw invalid()
  // Six-digit years: X12's own window (00-49 → 20xx), for the 3060-era files that still send them.
  const yy = Number(m[2])
  const year = m[1] !== undefined ? Number(m[1] + m[2]) : yy < 50 ? 2000 + yy : 1900 + yy
  const month = Number(m[3])
  const day = Number(m[4])
  const d = new Date(Date.UTC(2000, month - 1, day))
  d.setUTCFullYear(year)
  if (year < 1900 || month < 1 || month > 12 || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) throw invalid()
  return `${String(year).padStart(4, '0')}-${m[3]}-${m[4]}`
}

/** A dated promise and what kind of date it is (the qualifier as sent). */
export interface QualifiedDate {
  date: IsoDate
  qualifier: string
}

/** DTM374 / ACK04 qualifiers wismo reads as the supplier's ship date (DESIGN: 068 current schedule ship, 079 promised for shipment). */
export const SHIP_QUALIFIERS = new Set(['068', '079'])
/** … and as a delivery date (067 current schedule delivery, 017 estimated delivery). */
export const DELIVERY_QUALIFIERS = new Set(['067', '017'])

/**
 * The best date seen at one level (a line, or the header): a ship date wins over a delivery
 * date, and the first of each kind wins (suppliers put the current one first).
 */
export class DateChoice {
  ship: QualifiedDate | null = null
  delivery: QualifiedDate | null = null

  /** Reads qualifier element `q` and date element `d` of a segment (DTM01/02, ACK04/05, SCH05/06). */
  take(seg: Segment, q: number, d: number): void {
    const qualifier = el(seg, q)
    const isShip = SHIP_QUALIFIERS.has(qualifier)
    if (!isShip && !DELIVERY_QUALIFIERS.has(qualifier)) return
    const date = readDate(seg, d)
    if (!date) return
    if (isShip) this.ship ??= { date, qualifier }
    else this.delivery ??= { date, qualifier }
  }

  best(): QualifiedDate | null {
    return this.ship ?? this.delivery
  }
}

/** rawCode suffix telling that the date a signal carries is a delivery date, not a ship date. */
export function dateNote(d: QualifiedDate | null): string {
  return d && DELIVERY_QUALIFIERS.has(d.qualifier) ? ` (date is delivery ${d.qualifier})` : ''
}

export interface ProductIds {
  sku: string | null
  supplierSku: string | null
}

/** Qualifiers naming the buyer's (retailer's) SKU and the supplier's, in order of preference. */
export interface IdQualifiers {
  buyer: readonly string[]
  supplier: readonly string[]
}

/** For 855/856/870 lines: BP buyer's part (also IN, SK, CB, PI); VP/VN vendor's (also VC, VA, MG). */
export const LINE_IDS: IdQualifiers = { buyer: ['BP', 'IN', 'SK', 'CB', 'PI'], supplier: ['VP', 'VN', 'VC', 'VA', 'MG'] }
/** For 846 items SK and MG name the supplier's own item (the 846 is the supplier's catalogue). */
export const INVENTORY_IDS: IdQualifiers = { buyer: ['BP', 'IN', 'CB', 'PI'], supplier: ['VP', 'VN', 'VC', 'SK', 'MG', 'VA'] }
/** Industry codes, used as the supplier's SKU only when nothing better is given. */
const CODE_IDS = ['UP', 'UK', 'UA', 'EN', 'EA', 'IB']

/** Product ids from qualifier/id pairs starting at element `from` (PO106/107…, LIN02/03…). */
export function readProductIds(seg: Segment, from: number, q: IdQualifiers): ProductIds {
  // Called once per line of files with 100k+ lines: a plain scan, no Map.
  const first = (quals: readonly string[]): string | null => {
    for (const want of quals) {
      for (let i = from; i + 1 < seg.elements.length; i += 2) {
        if (el(seg, i) !== want) continue
        const id = el(seg, i + 1)
        if (id) return id
      }
    }
    return null
  }
  return { sku: first(q.buyer), supplierSku: first(q.supplier) ?? first(CODE_IDS) }
}

/** Where a signal came from, for the rep and error messages: "855 0005, segment #14". */
export function locate(tx: TransactionHeader, seg: Segment): string {
  return `${tx.setId} ${tx.control}, segment #${seg.index}`
}

/** Refuses a code outside the list wismo reads (AK4 code 7, invalid code value). */
export function unknownCode(seg: Segment, i: number, what: string, known: string): X12Error {
  const value = el(seg, i)
  return new X12Error(seg, `${elementName(seg, i)} "${printable(value)}" is not ${what} wismo reads (known: ${known})`, {
    element: { position: i, code: value === '' ? '1' : '7', value },
  })
}

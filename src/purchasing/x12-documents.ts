/**
 * The purchasing documents wismo sends suppliers when a line is re-sourced or cancelled: an X12
 * 850 Purchase Order (one new line) and an X12 860 Purchase Order Change (the old line deleted,
 * POC02 `DI`), each in its own interchange with wismo's control numbers, and the same content
 * as one CSV row for a purchasing system without EDI. Pure: the time and numbers are passed in.
 */

export interface PurchasingParty {
  /** ISA06/08: wismo's own interchange id and the supplier's (its edi_id, else its supplier id). */
  qualifier: string
  id: string
}

export interface PurchaseLine {
  poNumber: string
  poLine: string
  /** The retailer's (buyer's) SKU, qualifier BP. */
  sku: string
  /** The supplier's own SKU, qualifier VP, when known. */
  supplierSku: string | null
  qty: number
  /** Unit price on the PO (the supplier's cost), when known. */
  unitPrice: number | null
  description: string | null
}

export interface DocumentContext {
  /** 1..999999999: ISA13/IEA02, also GS06/GE02. */
  control: number
  now: Date
  sender: PurchasingParty
  receiver: PurchasingParty
  supplierId: string | null
  orderNumber: string
  shipTo: { name: string | null; postalCode: string | null }
  test?: boolean
}

const E = '*'
const T = '~\n'

/** A value safe inside an element: no separators, no control characters. */
function clean(value: string | number | null | undefined, max = 80): string {
  // eslint-disable-next-line no-control-regex
  return String(value ?? '').replace(/[*>~^\u0000-\u001f\u007f-\u009f]/g, ' ').trim().slice(0, max)
}

const pad = (s: string, n: number) => clean(s, n).padEnd(n, ' ')
const money = (n: number | null) => (n === null ? '' : (Math.round(n * 100) / 100).toFixed(2))

function stamp(now: Date): { yymmdd: string; ccyymmdd: string; hhmm: string } {
  const iso = now.toISOString()
  const ccyymmdd = iso.slice(0, 10).replace(/-/g, '')
  return { ccyymmdd, yymmdd: ccyymmdd.slice(2), hhmm: iso.slice(11, 16).replace(':', '') }
}

/** Wraps one transaction set's segments (without ST/SE) in ST/SE, GS/GE and ISA/IEA. */
function envelope(setId: '850' | '860', functionalId: 'PO' | 'PC', body: string[], ctx: DocumentContext): string {
  const n = ((Math.max(1, Math.floor(ctx.control)) - 1) % 999_999_999) + 1
  const control = String(n).padStart(9, '0')
  const { yymmdd, ccyymmdd, hhmm } = stamp(ctx.now)
  const st = [`ST${E}${setId}${E}0001`, ...body]
  st.push(`SE${E}${st.length + 1}${E}0001`)
  const segments = [
    ['ISA', '00', pad('', 10), '00', pad('', 10), pad(ctx.sender.qualifier, 2), pad(ctx.sender.id, 15), pad(ctx.receiver.qualifier, 2),
      pad(ctx.receiver.id, 15), yymmdd, hhmm, 'U', '00401', control, '0', ctx.test ? 'T' : 'P', '>'].join(E),
    ['GS', functionalId, clean(ctx.sender.id, 15), clean(ctx.receiver.id, 15), ccyymmdd, hhmm, String(n), 'X', '004010'].join(E),
    ...st,
    `GE${E}1${E}${n}`,
    `IEA${E}1${E}${control}`,
  ]
  return segments.join(T) + T
}

function shipTo(ctx: DocumentContext): string[] {
  const out = [`N1${E}ST${E}${clean(ctx.shipTo.name ?? 'Customer', 60)}`]
  if (ctx.shipTo.postalCode) out.push(`N4${E}${E}${E}${clean(ctx.shipTo.postalCode, 15)}`)
  return out
}

function productIds(l: PurchaseLine): string[] {
  const ids = ['BP', clean(l.sku, 48)]
  if (l.supplierSku) ids.push('VP', clean(l.supplierSku, 48))
  return ids
}

/** An X12 850 with one line: the re-sourced item, shipped to the customer. */
export function build850(l: PurchaseLine, ctx: DocumentContext): string {
  const { ccyymmdd } = stamp(ctx.now)
  const body = [
    [`BEG`, '00', 'DS', clean(l.poNumber, 22), '', ccyymmdd].join(E),
    `REF${E}CO${E}${clean(ctx.orderNumber, 30)}`,
    ...shipTo(ctx),
    ['PO1', clean(l.poLine, 20), String(l.qty), 'EA', money(l.unitPrice), l.unitPrice === null ? '' : 'PE', ...productIds(l)].join(E),
  ]
  if (l.description) body.push(`PID${E}F${E}${E}${E}${E}${clean(l.description, 80)}`)
  body.push(`CTT${E}1${E}${l.qty}`)
  return envelope('850', 'PO', body, ctx)
}

/** An X12 860 deleting one line of an earlier PO (POC02 DI, nothing left to receive). */
export function build860(l: PurchaseLine, ctx: DocumentContext & { changeSequence: number }): string {
  const { ccyymmdd } = stamp(ctx.now)
  const body = [
    ['BCH', '04', 'DS', clean(l.poNumber, 22), '', String(ctx.changeSequence), ccyymmdd].join(E),
    `REF${E}CO${E}${clean(ctx.orderNumber, 30)}`,
    ['POC', clean(l.poLine, 20), 'DI', String(l.qty), '0', 'EA', money(l.unitPrice), l.unitPrice === null ? '' : 'PE', ...productIds(l)].join(E),
    `CTT${E}1`,
  ]
  return envelope('860', 'PC', body, ctx)
}

/** The CSV header of purchasing rows (one row per document). */
export const PURCHASING_CSV_HEADER =
  'document,control_number,action,supplier_id,po_number,po_line,sku,supplier_sku,qty,unit_price,order_number,ship_to_name,ship_to_postal_code,created_at'

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v)
  // A leading = + - @ would be a formula to a spreadsheet: quote and prefix it (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** One CSV row (no header, no newline) saying the same as the 850 or 860. */
export function purchasingCsvRow(kind: '850' | '860', l: PurchaseLine, ctx: DocumentContext): string {
  return [
    kind, ctx.control, kind === '850' ? 'new' : 'delete', ctx.supplierId, l.poNumber, l.poLine, l.sku, l.supplierSku, l.qty,
    l.unitPrice === null ? null : money(l.unitPrice), ctx.orderNumber, ctx.shipTo.name, ctx.shipTo.postalCode, ctx.now.toISOString(),
  ].map(csvCell).join(',')
}

/**
 * Big X12 files for bench/x12.ts, written to disk in 1 MB chunks (never held whole as a string):
 * an 846 with one LIN item per seeded offer and an 855 with one PO1/ACK loop per seeded PO line.
 * What each item says is a function of its number, so the files match bench/seed-x12.ts.
 */
import fs from 'node:fs'
import { X12_SENDER, BIG_PO, itemSku, itemSupplierSku, lineItem, poLineQty } from './seed-x12.ts'

const CONTROL = 424242
const pad = (s: string, n: number) => s.padEnd(n, ' ').slice(0, n)

function envelopeHead(functionalId: string, control: number): string[] {
  const isa13 = String(control).padStart(9, '0')
  return [
    ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(X12_SENDER, 15), 'ZZ', pad('WISMO', 15), '250616', '0600', 'U', '00401', isa13, '0', 'P', '>'].join('*'),
    ['GS', functionalId, X12_SENDER, 'WISMO', '20250616', '0600', String(control), 'X', '004010'].join('*'),
  ]
}

function envelopeTail(control: number): string[] {
  return [`GE*1*${control}`, `IEA*1*${String(control).padStart(9, '0')}`]
}

/** Appends segments to a file through a 1 MB buffer. */
class SegmentWriter {
  private fd: number
  private parts: string[] = []
  private size = 0
  bytes = 0

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w')
  }

  add(segment: string): void {
    const s = `${segment}~\n`
    this.parts.push(s)
    this.size += s.length
    if (this.size >= 1 << 20) this.flush()
  }

  private flush(): void {
    const buf = Buffer.from(this.parts.join(''), 'latin1')
    fs.writeSync(this.fd, buf)
    this.bytes += buf.length
    this.parts = []
    this.size = 0
  }

  close(): number {
    this.flush()
    fs.closeSync(this.fd)
    return this.bytes
  }
}

const yyyymmdd = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '')
const dayAfter = (base: string, days: number) => yyyymmdd(new Date(Date.parse(`${base}T00:00:00Z`) + days * 86_400_000))

/**
 * What the 846 says of item i: one in four out of stock with a restock date (DTM*018), the rest
 * in stock; one in ten named only by the supplier's SKU (VP); one in a thousand unknown.
 */
export function inventoryItem(i: number): { lin: string; qty: number; restock: string | null } {
  const unknown = i % 1000 === 999
  const sku = unknown ? `NOPE-${i}` : itemSku(i)
  const vp = unknown ? `NOPE-V${i}` : itemSupplierSku(i)
  const lin = i % 10 === 3 ? `LIN**VP*${vp}` : `LIN**BP*${sku}*VP*${vp}`
  const out = i % 4 === 0
  return { lin, qty: out ? 0 : 1 + ((i * 7919) % 120), restock: out ? dayAfter('2025-06-20', i % 40) : null }
}

/** An 846 with `items` LIN loops (QTY*33, and DTM*018 when out of stock), one transaction set. */
export function write846(file: string, items: number): { bytes: number; segments: number } {
  const w = new SegmentWriter(file)
  for (const s of envelopeHead('IB', CONTROL)) w.add(s)
  let inSet = 0
  const add = (s: string) => {
    w.add(s)
    inSet++
  }
  add('ST*846*0001')
  add('BIA*00*MM*INV-BENCH*20250616')
  for (let i = 1; i <= items; i++) {
    const it = inventoryItem(i)
    add(it.lin)
    add(`QTY*33*${it.qty}*EA`)
    if (it.restock) add(`DTM*018*${it.restock}`)
  }
  add(`CTT*${items}`)
  add(`SE*${inSet + 1}*0001`)
  for (const s of envelopeTail(CONTROL)) w.add(s)
  return { bytes: w.close(), segments: inSet + 5 }
}

/** The ACK mix of the 855: 50 % IA, 20 % IB (dated), 10 % BP (part backordered), 10 % DR (new date), 10 % IR. */
export function ackFor(k: number): string[] {
  const qty = poLineQty(k)
  const m = k % 10
  if (m < 5) return [`ACK*IA*${qty}*EA*068*${dayAfter('2025-06-18', k % 5)}`]
  if (m < 7) return [`ACK*IB*${qty}*EA*068*${dayAfter('2025-07-01', k % 30)}`]
  if (m === 7) return qty > 1 ? [`ACK*BP*1*EA*068*${dayAfter('2025-07-10', k % 20)}`] : [`ACK*IB*1*EA*068*${dayAfter('2025-07-10', k % 20)}`]
  if (m === 8) return [`ACK*DR*${qty}*EA*068*${dayAfter('2025-06-25', k % 15)}`]
  return [`ACK*IR*0*EA`]
}

/** An 855 acknowledging the one big PO line by line: PO1 (with BP and VP ids) + ACK per line. */
export function write855(file: string, lines: number, items: number): { bytes: number; segments: number } {
  const w = new SegmentWriter(file)
  for (const s of envelopeHead('PR', CONTROL + 1)) w.add(s)
  let inSet = 0
  const add = (s: string) => {
    w.add(s)
    inSet++
  }
  add('ST*855*0001')
  add(`BAK*00*AC*${BIG_PO}*20250616`)
  for (let k = 1; k <= lines; k++) {
    const item = lineItem(k, items)
    add(`PO1*${k}*${poLineQty(k)}*EA*9.99**BP*${itemSku(item)}*VP*${itemSupplierSku(item)}`)
    for (const a of ackFor(k)) add(a)
  }
  add(`CTT*${lines}`)
  add(`SE*${inSet + 1}*0001`)
  for (const s of envelopeTail(CONTROL + 1)) w.add(s)
  return { bytes: w.close(), segments: inSet + 5 }
}

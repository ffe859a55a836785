/**
 * The day's supplier files, per supplier: an 846 (every offer, one in 20 changing stock), an 855
 * (one transaction set per PO: line 2 of every fourth order re-confirmed as known, line 1 of every
 * tenth order backordered past its promised date — those orders must be told, once) and an 856
 * (line 4 of orders ≡ 2 mod 5 shipped, one parcel each). What goes in them is read from the
 * loaded database, so the files name real POs, lines and SKUs.
 */
import type { Db } from '../../src/store/db.ts'
import { DAY_SUPPLIERS, supplierEdi, supplierId } from './load.ts'

const pad = (s: string, n: number) => s.padEnd(n, ' ').slice(0, n)

function envelope(edi: string, fid: string, control: number, sets: string[][]): Buffer {
  const isa13 = String(control).padStart(9, '0')
  const segs = [
    ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(edi, 15), 'ZZ', pad('WISMO', 15), '250616', '1100', 'U', '00401', isa13, '0', 'P', '>'].join('*'),
    ['GS', fid, edi, 'WISMO', '20250616', '1100', String(control), 'X', '004010'].join('*'),
  ]
  sets.forEach((body, i) => {
    const st = String(i + 1).padStart(4, '0')
    segs.push(`ST*${fid === 'IB' ? '846' : fid === 'PR' ? '855' : '856'}*${st}`, ...body, `SE*${body.length + 2}*${st}`)
  })
  segs.push(`GE*${sets.length}*${control}`, `IEA*1*${isa13}`)
  return Buffer.from(segs.map((s) => `${s}~\n`).join(''), 'latin1')
}

export interface DayFile { supplierId: string; kind: '846' | '855' | '856'; name: string; body: Buffer; items: number }

export interface DayFiles {
  files: DayFile[]
  /** Order numbers the 855s backorder past their promised date: each must get exactly one message. */
  toTell: Set<string>
  backordered: number
  confirmed: number
  shipped: number
}

export const BACKORDER_SQL = 'l.order_id % 10 = 0 AND l.line_no = 1'
const CONFIRM_SQL = 'l.order_id % 4 = 1 AND l.line_no = 2'
const SHIP_SQL = 'l.order_id % 5 = 2 AND l.line_no = 4'

interface Row { supplier_id: string; order_number: string; po_number: string; po_line: string; sku: string; qty: number; order_line_id: number; kind: string }

export async function dayFiles(db: Db): Promise<DayFiles> {
  const files: DayFile[] = []
  const offers = await db.query<{ supplier_id: string; sku: string; available_qty: number; n: number }>(
    `SELECT supplier_id, sku, available_qty, row_number() OVER (ORDER BY sku) AS n FROM offers ORDER BY supplier_id, sku`)
  const rows = await db.query<Row>(`
    SELECT l.supplier_id, o.order_number, p.po_number, p.po_line, l.sku, l.qty, l.order_line_id,
           CASE WHEN ${BACKORDER_SQL} THEN 'bo' WHEN ${CONFIRM_SQL} THEN 'ia' ELSE 'ship' END AS kind
      FROM order_lines l JOIN orders o USING (order_id) JOIN po_lines p ON p.order_line_id = l.order_line_id AND p.active
     WHERE (${BACKORDER_SQL}) OR (${CONFIRM_SQL}) OR (${SHIP_SQL})
     ORDER BY l.supplier_id, p.po_number, l.line_no`)
  const toTell = new Set<string>()
  let control = 5000
  let backordered = 0
  let confirmed = 0
  let shipped = 0
  for (let s = 1; s <= DAY_SUPPLIERS; s++) {
    const id = supplierId(s)
    const edi = supplierEdi(s)
    const mine = offers.filter((o) => o.supplier_id === id)
    const inv = ['BIA*00*MM*INV-DAY*20250616']
    for (const o of mine) {
      const change = Number(o.n) % 20 === 0
      inv.push(`LIN**BP*${o.sku}`, `QTY*33*${change ? 0 : o.available_qty}*EA`)
      if (change) inv.push('DTM*018*20250701')
    }
    inv.push(`CTT*${mine.length}`)
    files.push({ supplierId: id, kind: '846', name: `day-${id}.846.edi`, body: envelope(edi, 'IB', ++control, [inv]), items: mine.length })

    const acks = rows.filter((r) => r.supplier_id === id && r.kind !== 'ship')
    const byPo = new Map<string, Row[]>()
    for (const r of acks) byPo.set(r.po_number, [...(byPo.get(r.po_number) ?? []), r])
    const ackSets = [...byPo].map(([po, lines]) => [
      `BAK*00*AC*${po}*20250616`,
      ...lines.flatMap((r) => {
        if (r.kind === 'bo') { backordered++; toTell.add(r.order_number) } else confirmed++
        return [`PO1*${r.po_line}*${r.qty}*EA*9.99**BP*${r.sku}`, r.kind === 'bo' ? `ACK*IB*${r.qty}*EA*068*20250730` : `ACK*IA*${r.qty}*EA*068*20250619`]
      }),
    ])
    if (ackSets.length) files.push({ supplierId: id, kind: '855', name: `day-${id}.855.edi`, body: envelope(edi, 'PR', ++control, ackSets), items: acks.length })

    const ships = rows.filter((r) => r.supplier_id === id && r.kind === 'ship')
    const shipSets = ships.map((r) => {
      shipped++
      return [
        `BSN*00*SHP-${r.order_line_id}*20250616*1100`, 'HL*1**S', 'TD5*B*2*UPSN*M*UPS GROUND', 'HL*2*1*O', `PRF*${r.po_number}`,
        'HL*3*2*P', `MAN*CP*1ZDAY${String(r.order_line_id).padStart(12, '0')}`, 'HL*4*3*I', `LIN*${r.po_line}*BP*${r.sku}`, `SN1**${r.qty}*EA`,
        'CTT*4',
      ]
    })
    if (shipSets.length) files.push({ supplierId: id, kind: '856', name: `day-${id}.856.edi`, body: envelope(edi, 'SH', ++control, shipSets), items: ships.length })
  }
  return { files, toTell, backordered, confirmed, shipped }
}

/**
 * 870 Order Status Report → signals. An order (HL*O or PRF) carries a PO number and maybe an
 * ISR of its own; each item (HL*I, PO1 or LIN) carries ISR per line. An item without ISR takes
 * its order's; an order with an ISR and no items speaks for the whole PO (a PO-level signal).
 */
import type { SupplierStatus } from '../../domain/types.ts'
import type { NormalizedSignal } from '../signal.ts'
import { X12Error } from './errors.ts'
import { DateChoice, LINE_IDS, dateNote, el, locate, lookup, readDate, readProductIds, readQty, unknownCode, type ProductIds, type QualifiedDate } from './elements.ts'
import { readHl } from './hl.ts'
import type { Emit, Segment, TransactionHeader, TransactionVisitor } from './types.ts'

/**
 * ISR01 → status (DESIGN.md). CC ("shipped") has no tracking in an 870, so it cannot be a
 * shipment: it is read as accepted (the supplier has the goods moving; the 856 brings the
 * parcel). LM ("late") is accepted with its rawCode saying so.
 */
const ISR_STATUS: Record<string, SupplierStatus> = {
  BO: 'backordered', BK: 'backordered', BM: 'backordered', BP: 'backordered', DS: 'backordered', OR: 'backordered',
  ED: 'accepted', EW: 'accepted', AS: 'accepted', NS: 'accepted', CC: 'accepted', LM: 'accepted',
  IC: 'cancelled',
}
const ISR_NOTES: Record<string, string> = { CC: ' (shipped; tracking comes with the 856)', LM: ' (late)' }

interface Status {
  seg: Segment
  code: string
  date: string | null
}

interface Unit {
  seg: Segment | null
  statuses: Status[]
  dates: DateChoice
}

interface ItemUnit extends Unit {
  poLine: string | null
  ordered: number | null
  ids: ProductIds | null
}

interface OrderUnit extends Unit {
  po: string | null
  items: number
}

const newOrder = (seg: Segment | null): OrderUnit => ({ seg, statuses: [], dates: new DateChoice(), po: null, items: 0 })
const newItem = (seg: Segment | null): ItemUnit => ({ seg, statuses: [], dates: new DateChoice(), poLine: null, ordered: null, ids: null })

function readStatus(seg: Segment): Status {
  const code = el(seg, 1)
  if (!lookup(ISR_STATUS, code)) throw unknownCode(seg, 1, 'an ISR01 status code', Object.keys(ISR_STATUS).join(', '))
  return { seg, code, date: readDate(seg, 2) }
}

/** One status as a signal; the date is ISR02, else the item's DTM, else the order's. */
function toSignal(tx: TransactionHeader, s: Status, order: OrderUnit, item: ItemUnit | null): NormalizedSignal {
  const status = lookup(ISR_STATUS, s.code)!
  const dtm: QualifiedDate | null = item?.dates.best() ?? order.dates.best()
  const date = s.date ?? (status === 'cancelled' ? null : dtm?.date ?? null)
  return {
    poNumber: order.po, poLine: item?.poLine ?? null, sku: item?.ids?.sku ?? null, supplierSku: item?.ids?.supplierSku ?? null,
    status, qty: item?.ordered ?? null, expectedShipDate: date, carrier: null, trackingNumber: null,
    rawCode: `870 ISR ${s.code}${lookup(ISR_NOTES, s.code) ?? ''}${s.date ? '' : dateNote(dtm)}`, location: locate(tx, s.seg),
  }
}

/** Reads one 870: one order and one item open at a time. */
class StatusReportMapper implements TransactionVisitor {
  private bsr: Segment | null = null
  private order: OrderUnit = newOrder(null)
  private item: ItemUnit | null = null

  constructor(private readonly tx: TransactionHeader, private readonly emit: Emit) {}

  segment(seg: Segment): void {
    switch (seg.tag) {
      case 'BSR': this.bsr = seg; return
      case 'HL': {
        const { code } = readHl(seg)
        if (code === 'O') this.closeOrder()
        else if (code === 'I') this.openItem(seg)
        return
      }
      case 'PRF':
        if (this.order.po !== null) this.closeOrder()
        this.order.po = el(seg, 1) || null
        return
      case 'PO1': return this.setIds(seg, el(seg, 1), readQty(seg, 2), readProductIds(seg, 6, LINE_IDS))
      case 'LIN': return this.setIds(seg, el(seg, 1), null, readProductIds(seg, 2, LINE_IDS))
      case 'ISR': (this.item ?? this.order).statuses.push(readStatus(seg)); return
      case 'DTM': (this.item ?? this.order).dates.take(seg, 1, 2); return
    }
  }

  end(se: Segment): void {
    if (!this.bsr) throw new X12Error({ index: se.index, tag: 'BSR' }, 'the 870 has no BSR segment', { segmentCode: '3' })
    this.closeOrder()
  }

  private openItem(seg: Segment): void {
    this.closeItem()
    this.item = newItem(seg)
  }

  /** PO1/LIN name the open item, or start the next one (870s without HL loops). */
  private setIds(seg: Segment, poLine: string, ordered: number | null, ids: ProductIds): void {
    if (!this.item || this.item.ids) this.openItem(seg)
    Object.assign(this.item!, { poLine: poLine || null, ordered, ids })
  }

  private closeItem(): void {
    const item = this.item
    if (!item) return
    if (!item.ids && item.seg) throw new X12Error(item.seg, 'an item level (HL*I) without a PO1 or LIN naming the item', { segmentCode: '3' })
    this.order.items++
    const statuses = item.statuses.length > 0 ? item.statuses : this.order.statuses
    for (const s of statuses) this.emit.signal(toSignal(this.tx, s, this.order, item))
    this.item = null
  }

  private closeOrder(): void {
    this.closeItem()
    if (this.order.items === 0) for (const s of this.order.statuses) this.emit.signal(toSignal(this.tx, s, this.order, null))
    this.order = newOrder(null)
  }
}

/** Maps one 870 transaction set. */
export function map870(tx: TransactionHeader, emit: Emit): TransactionVisitor {
  return new StatusReportMapper(tx, emit)
}

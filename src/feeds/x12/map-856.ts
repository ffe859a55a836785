/**
 * 856 Ship Notice → `shipped` signals, one per item (LIN + SN1). The HL hierarchy (shipment →
 * order → pack/tare → item, or items with packs below them) is followed with a stack of the open
 * levels only, so memory stays flat however many items the notice lists. Each item takes the
 * nearest value up its hierarchy: PO number (PRF01), ship date (DTM*011), carrier (TD503 SCAC),
 * service (TD505), and the parcel's number.
 */
import type { IsoDate } from '../../domain/types.ts'
import { X12Error, printable } from './errors.ts'
import { LINE_IDS, el, locate, readDate, readProductIds, readQty, type ProductIds } from './elements.ts'
import { readHl } from './hl.ts'
import type { Emit, Segment, TransactionHeader, TransactionVisitor } from './types.ts'

/** What one hierarchy level says about everything below it. */
interface LevelInfo {
  po: string | null
  shipDate: IsoDate | null
  carrier: string | null
  service: string | null
  /** MAN*CP: the carrier's package number (best). */
  cp: string | null
  /** REF*CN: the carrier's reference (tracking or PRO number). */
  cn: string | null
  /** MAN*GM: the SSCC-18 label, used only when nothing else names the parcel. */
  gm: string | null
}

interface Item {
  lin: Segment
  poLine: string | null
  ids: ProductIds
  qty: number | null
}

interface HlNode {
  id: string
  rank: number
  info: LevelInfo
  item: Item | null
  /** Packs listed below an item (the "standard pack" layout) lend it their number. */
  fromPacks: LevelInfo | null
}

const emptyInfo = (): LevelInfo => ({ po: null, shipDate: null, carrier: null, service: null, cp: null, cn: null, gm: null })

/** The first level (nearest first) that has `pick`. */
function nearest<T>(levels: (LevelInfo | null)[], pick: (l: LevelInfo) => T | null): T | null {
  for (const l of levels) {
    const v = l ? pick(l) : null
    if (v !== null && v !== undefined) return v
  }
  return null
}

/** Reads one 856: a stack of the open HL levels; an item's signal goes out when its level closes. */
class ShipNoticeMapper implements TransactionVisitor {
  private readonly root: LevelInfo = emptyInfo()
  private readonly stack: HlNode[] = []
  private bsn: Segment | null = null

  constructor(private readonly tx: TransactionHeader, private readonly emit: Emit) {}

  segment(seg: Segment): void {
    const info = this.stack[this.stack.length - 1]?.info ?? this.root
    switch (seg.tag) {
      case 'BSN': this.bsn = seg; return
      case 'HL': return this.openLevel(seg)
      case 'PRF': info.po = el(seg, 1) || info.po; return
      case 'TD5':
        info.carrier = el(seg, 3) || info.carrier
        info.service = el(seg, 5) || info.service
        return
      case 'REF': if (el(seg, 1) === 'CN') info.cn ??= el(seg, 2) || null; return
      case 'MAN':
        if (el(seg, 1) === 'CP') info.cp ??= el(seg, 2) || null
        if (el(seg, 1) === 'GM') info.gm ??= el(seg, 2) || null
        return
      case 'DTM': if (el(seg, 1) === '011') info.shipDate ??= readDate(seg, 2); return
      case 'LIN': return this.openItem(seg)
      case 'SN1': return this.shipped(seg)
    }
  }

  end(se: Segment): void {
    if (!this.bsn) throw new X12Error({ index: se.index, tag: 'BSN' }, 'the 856 has no BSN segment', { segmentCode: '3' })
    while (this.stack.length > 0) this.pop()
  }

  /** Closes the levels that are not this HL's ancestors, then opens it. */
  private openLevel(seg: Segment): void {
    const stack = this.stack
    const { id, parent, rank } = readHl(seg)
    if (parent) {
      while (stack.length > 0 && stack[stack.length - 1].id !== parent) this.pop()
      if (stack.length === 0) {
        throw new X12Error(seg, `HL02 parent "${printable(parent)}" is not an open HL level above this one`, { element: { position: 2, code: '7', value: parent } })
      }
    } else {
      // No parent given (HL*2**O, HL*1*0*S): the level closes whatever is at or below its own rank.
      while (stack.length > 0 && stack[stack.length - 1].rank >= rank) this.pop()
    }
    stack.push({ id, rank, info: emptyInfo(), item: null, fromPacks: null })
  }

  private openItem(seg: Segment): void {
    const node = this.stack[this.stack.length - 1]
    if (!node) throw new X12Error(seg, 'LIN outside any HL level', { segmentCode: '7' })
    if (node.item) this.emitItem(node, node.item, this.stack.slice(0, -1))
    const ids = readProductIds(seg, 2, LINE_IDS)
    if (!ids.sku && !ids.supplierSku) throw new X12Error(seg, 'LIN names no product (no BP/IN/VP/VN/UP… id)', { element: { position: 3, code: '1' } })
    node.item = { lin: seg, poLine: el(seg, 1) || null, ids, qty: null }
  }

  private shipped(seg: Segment): void {
    const item = this.stack[this.stack.length - 1]?.item
    if (!item) throw new X12Error(seg, 'SN1 without a LIN item before it', { segmentCode: '7' })
    item.qty = readQty(seg, 2)
  }

  private pop(): void {
    const node = this.stack.pop()!
    if (node.item) return this.emitItem(node, node.item, this.stack)
    const parent = this.stack[this.stack.length - 1]
    if (parent?.item && !parent.fromPacks && (node.info.cp || node.info.cn || node.info.gm)) parent.fromPacks = node.info
  }

  /** `ancestors`: the open levels above the item's node, outermost first. */
  private emitItem(node: HlNode, item: Item, ancestors: HlNode[]): void {
    // Nothing shipped is no shipment (and a 0 would read as "the rest of the line").
    if (item.qty === 0) return
    const levels = [node.info, node.fromPacks, ...ancestors.map((n) => n.info).reverse(), this.root]
    const tracking = nearest(levels, (l) => l.cp ?? l.cn)
    const label = tracking ? null : nearest(levels, (l) => l.gm)
    const shipDate = nearest(levels, (l) => l.shipDate)
    const note = tracking ? '' : label ? ' (SSCC label number, no carrier tracking)' : ' (no tracking number)'
    const shipment = this.bsn && el(this.bsn, 2) ? ` shipment ${el(this.bsn, 2)}` : ''
    this.emit.signal({
      poNumber: nearest(levels, (l) => l.po), poLine: item.poLine, sku: item.ids.sku, supplierSku: item.ids.supplierSku,
      status: 'shipped', qty: item.qty, expectedShipDate: null,
      carrier: nearest(levels, (l) => l.carrier), trackingNumber: tracking ?? label, service: nearest(levels, (l) => l.service),
      // Noon UTC: the ship day is what matters, and noon keeps it the same day in every time zone near ours.
      shippedAt: shipDate ? new Date(`${shipDate}T12:00:00Z`) : null,
      rawCode: `856 SN1${shipment}${note}`, location: locate(this.tx, item.lin),
    })
  }
}

/** Maps one 856 transaction set. */
export function map856(tx: TransactionHeader, emit: Emit): TransactionVisitor {
  return new ShipNoticeMapper(tx, emit)
}

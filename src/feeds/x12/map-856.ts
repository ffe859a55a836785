/**
 * 856 Ship Notice → `shipped` signals, one per item (LIN + SN1). The HL hierarchy (shipment →
 * order → pack/tare → item, or items with packs below them) is followed with a stack of the open
 * levels only, so memory stays flat however many items the notice lists. Each item takes the
 * nearest value up its hierarchy: PO number (PRF01), ship date (DTM*011), carrier (TD503 SCAC),
 * service (TD505), and the parcel's number (docs/formats.md "856 Ship Notice").
 */
import type { IsoDate } from '../../domain/types.ts'
import { X12Error, printable } from './errors.ts'
import { LINE_IDS, el, locate, readDate, readProductIds, readQty, type ProductIds } from './elements.ts'
import { readHl } from './hl.ts'
import type { Emit, Segment, TransactionHeader, TransactionVisitor } from './types.ts'

/**
 * The carrier's own numbers an ASN gives, most specific first: MAN*CP (carrier-assigned package
 * id, in either MAN pair), REF*08 (carrier-assigned package id), REF*2I (tracking number),
 * REF*CN (carrier's reference: the PRO number of freight). A shipper's own marks (MAN*SM, *CA),
 * the bill of lading (REF*BM) and the SSCC label (MAN*GM/AA) are not a carrier's number: a
 * carrier cannot be asked about them, and read as one they look like other carriers' numbers
 * (an SSCC-18 passes USPS's 20-digit check).
 */
const NUMBER_KINDS = ['CP', '08', '2I', 'CN'] as const
type NumberKind = (typeof NUMBER_KINDS)[number]

/** What one hierarchy level says about everything below it. */
interface LevelInfo {
  po: string | null
  shipDate: IsoDate | null
  carrier: string | null
  service: string | null
  /** The first number of each kind given at this level. */
  numbers: Partial<Record<NumberKind, string>>
  /** Told to the rep when an item has no carrier number: the bill of lading and the SSCC label. */
  bol: string | null
  sscc: string | null
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

const emptyInfo = (): LevelInfo => ({ po: null, shipDate: null, carrier: null, service: null, numbers: {}, bol: null, sscc: null })

/** The level's carrier number, most specific kind first. */
const numberOf = (l: LevelInfo): string | null => NUMBER_KINDS.map((k) => l.numbers[k]).find((n) => n) ?? null
const namesAnything = (l: LevelInfo): boolean => numberOf(l) !== null || l.bol !== null || l.sscc !== null

/** REF qualifiers that are a carrier's number, and the bill of lading kept for the rep. */
function readRef(info: LevelInfo, seg: Segment): void {
  const qualifier = el(seg, 1)
  const value = el(seg, 2) || null
  if (!value) return
  if (qualifier === '08' || qualifier === '2I' || qualifier === 'CN') info.numbers[qualifier] ??= value
  if (qualifier === 'BM') info.bol ??= value
}

/** MAN carries two qualifier/number pairs (MAN01/02 and MAN04/05; MAN03 and MAN06 end ranges). */
function readMarks(info: LevelInfo, seg: Segment): void {
  for (const [q, n] of [[1, 2], [4, 5]]) {
    const value = el(seg, n) || null
    if (!value) continue
    if (el(seg, q) === 'CP') info.numbers.CP ??= value
    if (el(seg, q) === 'GM' || el(seg, q) === 'AA') info.sscc ??= value
  }
}

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
      case 'REF': return readRef(info, seg)
      case 'MAN': return readMarks(info, seg)
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
    if (parent?.item && !parent.fromPacks && namesAnything(node.info)) parent.fromPacks = node.info
  }

  /** `ancestors`: the open levels above the item's node, outermost first. */
  private emitItem(node: HlNode, item: Item, ancestors: HlNode[]): void {
    // Nothing shipped is no shipment (and a 0 would read as "the rest of the line").
    if (item.qty === 0) return
    const levels = [node.info, node.fromPacks, ...ancestors.map((n) => n.info).reverse(), this.root]
    const tracking = nearest(levels, numberOf)
    const shipmentId = this.bsn ? el(this.bsn, 2) || null : null
    const shipDate = nearest(levels, (l) => l.shipDate)
    this.emit.signal({
      poNumber: nearest(levels, (l) => l.po), poLine: item.poLine, sku: item.ids.sku, supplierSku: item.ids.supplierSku,
      status: 'shipped', qty: item.qty, expectedShipDate: null,
      carrier: nearest(levels, (l) => l.carrier), trackingNumber: tracking, service: nearest(levels, (l) => l.service),
      shipmentId,
      // Noon UTC: the ship day is what matters, and noon keeps it the same day in every time zone near ours.
      shippedAt: shipDate ? new Date(`${shipDate}T12:00:00Z`) : null,
      rawCode: `856 SN1${shipmentId ? ` shipment ${shipmentId}` : ''}${tracking ? '' : untrackedNote(levels)}`,
      location: locate(this.tx, item.lin),
    })
  }
}

/** Shipped without a carrier number: what the ASN did name, so the rep can ask the supplier about it. */
function untrackedNote(levels: (LevelInfo | null)[]): string {
  const bol = nearest(levels, (l) => l.bol)
  const sscc = nearest(levels, (l) => l.sscc)
  const named = [bol ? `bill of lading ${bol}` : null, sscc ? `SSCC ${sscc}` : null].filter((x) => x)
  return ` (no tracking number${named.length > 0 ? `; ${named.join(', ')}` : ''})`
}

/** Maps one 856 transaction set. */
export function map856(tx: TransactionHeader, emit: Emit): TransactionVisitor {
  return new ShipNoticeMapper(tx, emit)
}

/**
 * 846 Inventory Inquiry/Advice → offer updates, one per LIN item: the supplier's stock
 * (QTY*33 available for sale; QTY*17 on hand when no 33 is given; several of a kind, e.g. per
 * warehouse, add up) and its restock date (DTM 018 available, 169 product availability,
 * 371 estimated arrival; the earliest given). One item is buffered at a time.
 */
import type { IsoDate } from '../../domain/types.ts'
import { X12Error } from './errors.ts'
import { INVENTORY_IDS, el, locate, readDate, readProductIds, readQty, type ProductIds } from './elements.ts'
import type { Emit, Segment, TransactionHeader, TransactionVisitor } from './types.ts'

/** Date qualifiers read as "in stock again on". 036 (expiration) is deliberately not one. */
export const RESTOCK_QUALIFIERS = new Set(['018', '169', '371'])

interface InventoryItem {
  lin: Segment
  ids: ProductIds
  available: number | null
  onHand: number | null
  restock: IsoDate | null
}

const earliest = (a: IsoDate | null, b: IsoDate | null): IsoDate | null => (a && b ? (a < b ? a : b) : a ?? b)
const add = (a: number | null, b: number | null): number | null => (b === null ? a : Math.min(2_147_483_647, (a ?? 0) + b))

/** Reads one 846: one LIN item buffered at a time. */
class InventoryMapper implements TransactionVisitor {
  private bia: Segment | null = null
  private headerRestock: IsoDate | null = null
  private item: InventoryItem | null = null

  constructor(private readonly tx: TransactionHeader, private readonly emit: Emit) {}

  segment(seg: Segment): void {
    switch (seg.tag) {
      case 'BIA': this.bia = seg; return
      case 'LIN': return this.openItem(seg)
      case 'QTY': return this.quantity(seg)
      case 'DTM': {
        if (!RESTOCK_QUALIFIERS.has(el(seg, 1))) return
        const date = readDate(seg, 2)
        if (this.item) this.item.restock = earliest(this.item.restock, date)
        else this.headerRestock = earliest(this.headerRestock, date)
        return
      }
      case 'CTT': return this.flush()
    }
  }

  end(se: Segment): void {
    if (!this.bia) throw new X12Error({ index: se.index, tag: 'BIA' }, 'the 846 has no BIA segment', { segmentCode: '3' })
    this.flush()
  }

  private openItem(seg: Segment): void {
    this.flush()
    const ids = readProductIds(seg, 2, INVENTORY_IDS)
    if (!ids.sku && !ids.supplierSku) throw new X12Error(seg, 'LIN names no item (no BP/VP/VN/SK/MG… id)', { element: { position: 3, code: '1' } })
    this.item = { lin: seg, ids, available: null, onHand: null, restock: null }
  }

  private quantity(seg: Segment): void {
    const item = this.item
    if (!item) return
    const q = el(seg, 1)
    if (q === '33') item.available = add(item.available, readQty(seg, 2))
    else if (q === '17') item.onHand = add(item.onHand, readQty(seg, 2))
  }

  private flush(): void {
    const item = this.item
    if (!item) return
    this.emit.offer({
      sku: item.ids.sku, supplierSku: item.ids.supplierSku, availableQty: item.available ?? item.onHand,
      restockDate: item.restock ?? this.headerRestock, location: locate(this.tx, item.lin),
    })
    this.item = null
  }
}

/** Maps one 846 transaction set. */
export function map846(tx: TransactionHeader, emit: Emit): TransactionVisitor {
  return new InventoryMapper(tx, emit)
}

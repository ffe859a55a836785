/**
 * 855 Purchase Order Acknowledgment → signals (DESIGN.md "Supplier signals"). One PO1 loop is
 * buffered at a time (its ACKs and dates), so a 100k-line 855 streams.
 */
import type { SupplierStatus } from '../../domain/types.ts'
import type { NormalizedSignal } from '../signal.ts'
import { X12Error } from './errors.ts'
import { DateChoice, LINE_IDS, dateNote, el, locate, lookup, readProductIds, readQty, unknownCode, type ProductIds, type QualifiedDate } from './elements.ts'
import { readAckLoop } from './ack-readings.ts'
import type { Emit, Segment, TransactionHeader, TransactionVisitor } from './types.ts'

/** ACK01 → status. IC/IP (accepted with changes / price changed) are not in DESIGN; they accept the line. */
const ACK_STATUS: Record<string, SupplierStatus> = {
  IA: 'accepted', AC: 'accepted', AR: 'accepted', SP: 'accepted', IQ: 'accepted', IS: 'accepted', IC: 'accepted', IP: 'accepted',
  IB: 'backordered', BP: 'backordered', DR: 'rescheduled',
  IR: 'rejected', ID: 'rejected', R1: 'rejected', R2: 'rejected', R3: 'rejected', R4: 'rejected', R5: 'rejected', R6: 'rejected', R7: 'rejected', R8: 'rejected',
  IH: 'on_hold', IE: 'on_hold', IF: 'on_hold', IW: 'on_hold',
}
const ACK_NOTES: Record<string, string> = { IQ: ' (quantity changed)', IS: ' (substitution made)', SP: ' (schedule date pending)', IC: ' (changes made)', IP: ' (price changed)' }

/** BAK02 → the status of PO1 lines that carry no ACK (a header-level acknowledgment). */
const BAK_STATUS: Record<string, SupplierStatus> = {
  AC: 'accepted', AD: 'accepted', AE: 'accepted', AK: 'accepted', AP: 'accepted', AT: 'accepted', NA: 'accepted',
  AH: 'on_hold', RD: 'rejected', RF: 'rejected', RJ: 'rejected', RO: 'rejected',
}

interface Ack {
  seg: Segment
  code: string
  qty: number | null
  date: QualifiedDate | null
}

interface Po1Line {
  seg: Segment
  poLine: string | null
  ordered: number | null
  ids: ProductIds
  acks: Ack[]
  dates: DateChoice
}

function readAck(seg: Segment): Ack {
  const code = el(seg, 1)
  if (!lookup(ACK_STATUS, code)) throw unknownCode(seg, 1, 'an ACK01 line status', Object.keys(ACK_STATUS).join(', '))
  const dates = new DateChoice()
  dates.take(seg, 4, 5)
  return { seg, code, qty: readQty(seg, 2), date: dates.best() }
}

// A rejection has no ship date: its date (and the note about it) is dropped.
const dated = (status: SupplierStatus, d: QualifiedDate | null) => (status === 'rejected' ? null : d?.date ?? null)
const noted = (status: SupplierStatus, d: QualifiedDate | null) => (status === 'rejected' ? '' : dateNote(d))

/** Reads one 855: the header (BAK, DTM), then one PO1 loop at a time. */
class AcknowledgmentMapper implements TransactionVisitor {
  private bak: Segment | null = null
  private poNumber: string | null = null
  private readonly headerDates = new DateChoice()
  private line: Po1Line | null = null
  private lineCount = 0

  constructor(private readonly tx: TransactionHeader, private readonly emit: Emit) {}

  segment(seg: Segment): void {
    switch (seg.tag) {
      case 'BAK':
        this.bak = seg
        this.poNumber = el(seg, 3) || null
        if (!this.poNumber) throw new X12Error(seg, 'BAK03 (purchase order number) is empty', { element: { position: 3, code: '1' } })
        return
      case 'PO1': return this.openLine(seg)
      case 'ACK':
        if (!this.line) throw new X12Error(seg, 'ACK before any PO1 line', { segmentCode: '7' })
        this.line.acks.push(readAck(seg))
        return
      case 'DTM': return (this.line ? this.line.dates : this.headerDates).take(seg, 1, 2)
      case 'SCH': return this.line?.dates.take(seg, 5, 6)
      case 'CTT': return this.flush()
    }
  }

  end(se: Segment): void {
    const bak = this.bak
    if (!bak) throw new X12Error({ index: se.index, tag: 'BAK' }, 'the 855 has no BAK segment', { segmentCode: '3' })
    this.flush()
    if (this.lineCount > 0) return
    // An acknowledgment of the whole PO with no lines: one PO-level signal (it applies to every line of the PO).
    const status = this.headerStatus()
    const date = this.headerDates.best()
    this.emit.signal({
      ...this.base({ sku: null, supplierSku: null }, null), location: locate(this.tx, bak), status, qty: null,
      expectedShipDate: dated(status, date), rawCode: `855 BAK ${el(bak, 2)}${noted(status, date)}`,
    })
  }

  private openLine(seg: Segment): void {
    if (!this.bak) throw new X12Error(seg, 'PO1 before the BAK segment', { segmentCode: '7' })
    this.flush()
    this.lineCount++
    this.line = { seg, poLine: el(seg, 1) || null, ordered: readQty(seg, 2), ids: readProductIds(seg, 6, LINE_IDS), acks: [], dates: new DateChoice() }
  }

  private base(ids: ProductIds, poLine: string | null): Base {
    return { poNumber: this.poNumber, poLine, sku: ids.sku, supplierSku: ids.supplierSku, carrier: null, trackingNumber: null }
  }

  /** The status BAK02 gives lines without their own ACK (or the whole PO when it lists none). */
  private headerStatus(): SupplierStatus {
    const status = lookup(BAK_STATUS, el(this.bak!, 2))
    if (!status) throw unknownCode(this.bak!, 2, 'a BAK02 acknowledgment type', Object.keys(BAK_STATUS).join(', '))
    return status
  }

  private flush(): void {
    const line = this.line
    if (!line) return
    const ctx: LineContext = {
      base: this.base(line.ids, line.poLine), headerDate: this.headerDates.best(), headerStatus: () => this.headerStatus(),
      bak02: el(this.bak!, 2), where: this.where,
    }
    for (const s of lineSignals(line, ctx)) this.emit.signal(s)
    this.line = null
  }

  private readonly where = (seg: Segment): string => locate(this.tx, seg)
}

/** Maps one 855 transaction set; signals are emitted per PO1 loop as soon as the loop ends. */
export function map855(tx: TransactionHeader, emit: Emit): TransactionVisitor {
  return new AcknowledgmentMapper(tx, emit)
}

type Base = Omit<NormalizedSignal, 'status' | 'qty' | 'expectedShipDate' | 'rawCode' | 'location'>

interface LineContext {
  base: Base
  headerDate: QualifiedDate | null
  headerStatus: () => SupplierStatus
  bak02: string
  where: (seg: Segment) => string
}

/**
 * The signals of one PO1 loop. No ACK: BAK02 speaks for the line. With ACKs, readAckLoop divides
 * the line (the BP's readings are there); a loop whose quantities do not add up to PO102 keeps
 * its best reading and carries the problem, which opens a rep task when applied. An ACK's own
 * date wins over the line's DTM, which wins over the header's.
 */
function lineSignals(line: Po1Line, ctx: LineContext): NormalizedSignal[] {
  const fallbackDate = line.dates.best() ?? ctx.headerDate
  if (line.acks.length === 0) {
    const status = ctx.headerStatus()
    return [{
      ...ctx.base, location: ctx.where(line.seg), status, qty: line.ordered,
      expectedShipDate: dated(status, fallbackDate), rawCode: `855 BAK ${ctx.bak02}${noted(status, fallbackDate)}`,
    }]
  }
  const loop = readAckLoop(line.acks.map((a) => ({ code: a.code, status: lookup(ACK_STATUS, a.code)!, qty: a.qty })), line.ordered)
  const problem = loop.problem ? `PO line ${line.poLine ?? '?'}: ${loop.problem}` : null
  return loop.readings.map((r) => {
    const a = line.acks[r.ack]
    // A lone BP's date is its backorder's: the accepted rest has none of its own.
    const date = r.status === 'accepted' && a.code === 'BP' && line.acks.length === 1 ? null : a.date ?? fallbackDate
    const note = r.note + (lookup(ACK_NOTES, a.code) ?? '')
    return {
      ...ctx.base, location: ctx.where(a.seg), status: r.status, qty: r.qty,
      expectedShipDate: dated(r.status, date), rawCode: `855 ACK ${a.code}${note}${noted(r.status, date)}`,
      ...(problem ? { problem } : {}),
    }
  })
}

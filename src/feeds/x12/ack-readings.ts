/**
 * How the ACKs of one 855 PO1 loop divide the line's quantity (DESIGN.md "Supplier signals",
 * docs/formats.md "855: reading a PO1 loop"). Pure: ACK codes and quantities in, one quantity
 * per status out, plus the reason when the loop's quantities do not add up to what was ordered.
 *
 * The BP ("partial shipment, balance backordered") is the code with two published readings:
 * - alone, or beside ACKs that accept (IA, AC, …): its ACK02 is the backordered balance; the
 *   rest of the line (alone) or the accepting ACKs (beside) give the accepted part;
 * - beside an IB, which gives the backordered balance: then the BP's ACK02 is the accepted part.
 * A loop that does not add up is still read this way (as it reads best) and flagged, so the
 * sweep's arithmetic never invents a state for units nobody spoke of without a rep knowing.
 */
import type { SupplierStatus } from '../../domain/types.ts'

/** One ACK as the reader needs it: its code, its status, its ACK02 (null when empty). */
export interface AckQty {
  code: string
  status: SupplierStatus
  qty: number | null
}

/** What one ACK of the loop stands for. */
export interface AckReading {
  /** Index of the ACK in the loop. */
  ack: number
  status: SupplierStatus
  qty: number | null
  /** How this ACK was read, for the rep (raw code note). */
  note: string
}

export interface LoopReading {
  /** One per ACK (a lone BP gives two: its accepted rest and its backordered balance). */
  readings: AckReading[]
  /** Why the loop's quantities do not add up to PO102; null when they do. */
  problem: string | null
}

/** Reads the ACKs of one PO1 loop against the ordered quantity (PO102, null when absent). */
export function readAckLoop(acks: AckQty[], ordered: number | null): LoopReading {
  if (acks.length === 1) return readSingle(acks[0], ordered)
  const hasIb = acks.some((a) => a.code === 'IB')
  const readings: AckReading[] = acks.map((a, i) => {
    if (a.code !== 'BP') return { ack: i, status: a.status, qty: a.qty, note: '' }
    return hasIb
      ? { ack: i, status: 'accepted', qty: a.qty, note: ' (accepted part; the IB gives the balance)' }
      : { ack: i, status: 'backordered', qty: a.qty, note: ' (balance backordered)' }
  })
  fillOneMissing(readings, ordered)
  return { readings, problem: checkTotal(readings, ordered) }
}

/** One ACK: a BP splits the line; any other speaks for its ACK02, or the whole line when it gives none. */
function readSingle(a: AckQty, ordered: number | null): LoopReading {
  if (a.code !== 'BP') {
    // A zero or missing ACK02 (suppliers send "IR*0") means the whole line.
    const qty = a.qty !== null && a.qty > 0 ? a.qty : ordered
    const readings = [{ ack: 0, status: a.status, qty, note: '' }]
    // Neither ACK02 nor PO102: the ACK speaks for the whole line, whatever its size.
    return { readings, problem: qty === null ? null : checkTotal(readings, ordered) }
  }
  const backordered: AckReading = { ack: 0, status: 'backordered', qty: a.qty, note: ' (balance backordered)' }
  if (a.qty === null) return { readings: [{ ...backordered, qty: ordered }], problem: 'the BP gives no backordered quantity (ACK02); read as all backordered' }
  if (ordered === null) return { readings: [backordered], problem: 'the line gives no ordered quantity (PO102), so the accepted part of the BP is unknown' }
  const rest = ordered - a.qty
  const readings = rest > 0 ? [{ ack: 0, status: 'accepted' as const, qty: rest, note: ' (accepted part)' }, backordered] : [backordered]
  return { readings, problem: rest < 0 ? `the BP backorders ${a.qty} of ${ordered} ordered` : null }
}

/** Several ACKs and exactly one without ACK02: it takes what the others leave. */
function fillOneMissing(readings: AckReading[], ordered: number | null): void {
  const missing = readings.filter((r) => r.qty === null || r.qty <= 0)
  if (missing.length !== 1 || ordered === null) return
  const given = readings.reduce((sum, r) => sum + (r === missing[0] ? 0 : r.qty ?? 0), 0)
  if (ordered - given > 0) {
    missing[0].qty = ordered - given
    missing[0].note += ' (ACK02 empty: the rest of the line)'
  }
}

function checkTotal(readings: AckReading[], ordered: number | null): string | null {
  if (readings.some((r) => r.qty === null || r.qty <= 0)) return 'an ACK gives no quantity (ACK02), so the loop cannot be divided'
  if (ordered === null) return readings.length > 1 ? 'the line gives no ordered quantity (PO102) to check its ACKs against' : null
  const total = readings.reduce((sum, r) => sum + (r.qty ?? 0), 0)
  if (total === ordered) return null
  const parts = readings.map((r) => `${r.status} ${r.qty}`).join(' + ')
  return `the ACK quantities add up to ${total} (${parts}), not the ${ordered} ordered`
}

/**
 * 997 Functional Acknowledgment (and 999 Implementation Acknowledgment) → the partner's answer
 * to one group wismo sent: AK1 names the group (GS01, GS06), each AK2 a transaction set of it
 * with its AK5 (IK5) status and the AK3/AK4 (IK3/IK4) segment and element errors found, AK9 the
 * group's status. X12 never acknowledges an acknowledgment: this is read, matched to wismo's own
 * 850/860 by the store, and never answered with a 997.
 */
import { X12Error, printable } from './errors.ts'
import { el, locate, lookup, unknownCode } from './elements.ts'
import { ACK_STATUS, describeElementCode, describeSegmentCode } from './codes-997.ts'
import type { AckReceived, AckedSet, Emit, Segment, TransactionHeader, TransactionVisitor } from './types.ts'

const STATUSES = Object.keys(ACK_STATUS).join(', ')

/** Non-empty elements from `from` on: the reason codes AK502…AK506, AK905…AK909. */
function codesFrom(seg: Segment, from: number): string[] {
  return seg.elements.slice(from).map((v) => v.trim()).filter((v) => v !== '')
}

function readStatus(seg: Segment, what: string): string {
  const status = el(seg, 1)
  if (!lookup(ACK_STATUS, status)) throw unknownCode(seg, 1, `${what} acknowledgment code`, STATUSES)
  return status
}

class AcknowledgmentMapper implements TransactionVisitor {
  private ack: AckReceived | null = null
  private set: AckedSet | null = null
  private groupRead = false

  constructor(private readonly tx: TransactionHeader, private readonly emit: Emit) {}

  segment(seg: Segment): void {
    switch (seg.tag) {
      case 'AK1': return this.openGroup(seg)
      case 'AK2': return this.openSet(seg)
      case 'AK3': case 'IK3': return this.setError(seg, describeSegment(seg))
      case 'AK4': case 'IK4': return this.setError(seg, describeElement(seg))
      case 'AK5': case 'IK5': return this.closeSet(seg)
      case 'AK9': return this.closeGroup(seg)
    }
  }

  end(se: Segment): void {
    if (!this.ack) throw new X12Error({ index: se.index, tag: 'AK1' }, `the ${this.tx.setId} has no AK1 segment (which group it acknowledges)`, { segmentCode: '3' })
    if (this.set) throw new X12Error({ index: se.index, tag: 'AK5' }, `AK2 ${this.set.setId} ${this.set.control} has no AK5 (its status)`, { segmentCode: '3' })
    if (!this.groupRead) throw new X12Error({ index: se.index, tag: 'AK9' }, `the ${this.tx.setId} has no AK9 segment (the group's status)`, { segmentCode: '3' })
    this.emit.ack(this.ack)
  }

  private openGroup(seg: Segment): void {
    if (this.ack) throw new X12Error(seg, `a ${this.tx.setId} acknowledges one group: a second AK1`, { segmentCode: '5' })
    const functionalId = el(seg, 1)
    const groupControl = el(seg, 2)
    if (!functionalId) throw new X12Error(seg, 'AK101 (the functional identifier acknowledged) is empty', { element: { position: 1, code: '1' } })
    if (!/^\d{1,9}$/.test(groupControl)) {
      throw new X12Error(seg, `AK102 "${printable(groupControl)}" is not a group control number (1 to 9 digits)`, { element: { position: 2, code: groupControl ? '6' : '1', value: groupControl } })
    }
    this.ack = { setId: this.tx.setId, functionalId, groupControl, groupStatus: '', groupCodes: [], sets: [], location: locate(this.tx, seg) }
  }

  private openSet(seg: Segment): void {
    if (!this.ack) throw new X12Error(seg, 'AK2 before the AK1 it belongs to', { segmentCode: '7' })
    if (this.set) throw new X12Error(seg, `AK2 ${this.set.setId} ${this.set.control} has no AK5 before the next AK2`, { segmentCode: '7' })
    this.set = { setId: el(seg, 1), control: el(seg, 2), status: '', codes: [], errors: [] }
  }

  private setError(seg: Segment, text: string): void {
    if (!this.set) throw new X12Error(seg, `${seg.tag} outside an AK2 loop`, { segmentCode: '7' })
    this.set.errors.push(text)
  }

  private closeSet(seg: Segment): void {
    if (!this.set) throw new X12Error(seg, `${seg.tag} without an AK2 before it`, { segmentCode: '7' })
    this.set.status = readStatus(seg, 'a transaction set')
    this.set.codes = codesFrom(seg, 2)
    this.ack!.sets.push(this.set)
    this.set = null
  }

  private closeGroup(seg: Segment): void {
    if (!this.ack) throw new X12Error(seg, 'AK9 without the AK1 it belongs to', { segmentCode: '7' })
    if (this.set) throw new X12Error(seg, `AK2 ${this.set.setId} ${this.set.control} has no AK5 before the AK9`, { segmentCode: '7' })
    this.ack.groupStatus = readStatus(seg, 'a group')
    this.ack.groupCodes = codesFrom(seg, 5)
    this.groupRead = true
  }
}

/** AK3*PO1*5**8 → "segment PO1 (position 5): segment has data element errors (8)". */
function describeSegment(seg: Segment): string {
  const code = el(seg, 4)
  return `segment ${el(seg, 1) || '?'} (position ${el(seg, 2) || '?'})${code ? `: ${describeSegmentCode(code)}` : ''}`
}

/** AK4*2**7*ZZ → "element 2: invalid code value (7), value "ZZ"" (AK401 may be "2:1", element 2 component 1). */
function describeElement(seg: Segment): string {
  const code = el(seg, 3)
  const value = el(seg, 4)
  return `element ${el(seg, 1) || '?'}${code ? `: ${describeElementCode(code)}` : ''}${value ? `, value "${printable(value)}"` : ''}`
}

/** Maps one 997 or 999 transaction set. */
export function map997(tx: TransactionHeader, emit: Emit): TransactionVisitor {
  return new AcknowledgmentMapper(tx, emit)
}

/**
 * 214 Transportation Carrier Shipment Status → carrier events, the way an LTL carrier reports a
 * shipment: B10 names it (B1001 the carrier's PRO number — the number wismo knows from the 856's
 * REF*CN — and B1003 the SCAC), each AT7 in the LX loops is one status (AT701) with its reason
 * (AT702) and date/time (AT705/AT706/AT707), and the MS1 after it says where (city, state).
 * Estimated-delivery statuses (AG, X2) give the estimate carried by the set's latest event.
 */
import type { CarrierEvent, IsoDate } from '../../domain/types.ts'
import { X12Error, printable } from './errors.ts'
import { el, lookup, readDate, unknownCode } from './elements.ts'
import { NORMAL_REASONS, SHIPMENT_STATUS, STATUS_REASON, toInstant, type StatusCode, type WallTime } from './codes-214.ts'
import type { Emit, Segment, TransactionHeader, TransactionVisitor } from './types.ts'

/** One AT7 read, waiting for the MS1 that may follow it. */
interface Status {
  at7: Segment
  code: string
  meaning: StatusCode
  reason: string
  date: IsoDate
  time: WallTime | null
  timeCode: string
  ms1: Segment | null
}

/** AT706: HHMM, HHMMSS or HHMMSSD…; null when absent. */
function readTime(seg: Segment, i: number): WallTime | null {
  const raw = el(seg, i)
  if (raw === '') return null
  const m = /^(\d{2})(\d{2})(\d{2})?\d*$/.exec(raw)
  const time = m ? { hour: Number(m[1]), minute: Number(m[2]), second: Number(m[3] ?? 0) } : null
  if (!time || time.hour > 23 || time.minute > 59 || time.second > 59) {
    throw new X12Error(seg, `AT706 "${printable(raw)}" is not a time (HHMM)`, { element: { position: i, code: '9', value: raw } })
  }
  return time
}

/** "BRATTLEBORO, VT" (and the country when it is not the US); null when MS1 gives only coordinates. */
function place(ms1: Segment | null): string | null {
  if (!ms1) return null
  const country = el(ms1, 3)
  const parts = [el(ms1, 1), el(ms1, 2), /^(US|USA)?$/.test(country) ? '' : country].filter((p) => p !== '')
  return parts.length > 0 ? parts.join(', ') : null
}

/** The status in words, with the carrier's reason when it is not "normal": what the rep and customer read. */
function describe(s: Status): string {
  const what = `${s.meaning.text} (${s.code})`
  if (NORMAL_REASONS.has(s.reason)) return what
  return `${what}: ${lookup(STATUS_REASON, s.reason) ?? 'reason'} (${s.reason})`
}

class ShipmentStatusMapper implements TransactionVisitor {
  private b10: Segment | null = null
  /** L11 with qualifier CN (carrier's reference number): the PRO when B1001 is empty. */
  private cn: string | null = null
  private open: Status | null = null
  private readonly statuses: Status[] = []

  constructor(private readonly emit: Emit) {}

  segment(seg: Segment): void {
    switch (seg.tag) {
      case 'B10': this.b10 = seg; return
      case 'L11': if (el(seg, 2) === 'CN') this.cn ??= el(seg, 1) || null; return
      case 'LX': return this.close()
      case 'AT7': this.close(); this.open = this.readStatus(seg); return
      case 'MS1': if (this.open) this.open.ms1 ??= seg; return
    }
  }

  end(se: Segment): void {
    this.close()
    if (!this.b10) throw new X12Error({ index: se.index, tag: 'B10' }, 'the 214 has no B10 segment', { segmentCode: '3' })
    const tracking = (el(this.b10, 1) || this.cn || '').replace(/\s+/g, '').toUpperCase()
    if (!tracking) {
      throw new X12Error(this.b10, "B1001 (the carrier's PRO number) is empty and no L11*…*CN gives one: the shipment cannot be tracked", {
        element: { position: 1, code: '1' },
      })
    }
    const carrier = el(this.b10, 3) || null
    const events: CarrierEvent[] = []
    let estimate: IsoDate | null = null
    for (const s of this.statuses) {
      if (s.meaning.kind === 'estimate') estimate = s.date
      if (s.meaning.kind === 'estimate' || s.meaning.kind === 'none') continue
      const state = s.ms1 ? el(s.ms1, 2).toUpperCase() || null : null
      events.push({
        trackingNumber: tracking, carrier, status: s.meaning.kind, occurredAt: toInstant(s.date, s.time, s.timeCode, state),
        location: place(s.ms1), message: describe(s), estimatedDelivery: null,
      })
    }
    this.emitAll(events, estimate)
  }

  /** A status with only an appointment (AT703) and no AT701 says nothing about the freight: skipped. */
  private readStatus(seg: Segment): Status | null {
    const code = el(seg, 1)
    if (code === '' && el(seg, 3) !== '') return null
    const meaning = lookup(SHIPMENT_STATUS, code)
    if (!meaning) throw unknownCode(seg, 1, 'a shipment status code', 'see docs/formats.md, 214')
    const date = readDate(seg, 5)
    if (!date) throw new X12Error(seg, `AT7 ${code} has no date (AT705): wismo cannot place the status in time`, { element: { position: 5, code: '1' } })
    return { at7: seg, code, meaning, reason: el(seg, 2), date, time: readTime(seg, 6), timeCode: el(seg, 7).toUpperCase(), ms1: null }
  }

  private close(): void {
    if (this.open) this.statuses.push(this.open)
    this.open = null
  }

  /** The carrier's estimate is its current word: it rides on the set's latest event only. */
  private emitAll(events: CarrierEvent[], estimate: IsoDate | null): void {
    let latest = -1
    events.forEach((e, i) => {
      if (latest < 0 || e.occurredAt.getTime() >= events[latest].occurredAt.getTime()) latest = i
    })
    events.forEach((e, i) => this.emit.event(i === latest && estimate ? { ...e, estimatedDelivery: estimate } : e))
  }
}

/** Maps one 214 transaction set. */
export function map214(_tx: TransactionHeader, emit: Emit): TransactionVisitor {
  return new ShipmentStatusMapper(emit)
}

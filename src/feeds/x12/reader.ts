/**
 * Reading an X12 file end to end, purely: tokenizer → envelope reader → one mapper per
 * transaction set (855, 856, 870, 846; 214 from carriers) → signals, offer updates and carrier
 * events, handed out in batches so
 * the store can apply a huge file while it is being read. Any problem refuses the whole file
 * (a DomainError naming the segment); the envelope log tells the 997 what to say either way.
 */
import type { NormalizedSignal } from '../signal.ts'
import type { CarrierEvent } from '../../domain/types.ts'
import { X12Error } from './errors.ts'
import { lookup } from './elements.ts'
import { EnvelopeReader, type InterchangeResult } from './envelope.ts'
import { map214 } from './map-214.ts'
import { map846 } from './map-846.ts'
import { map855 } from './map-855.ts'
import { map856 } from './map-856.ts'
import { map870 } from './map-870.ts'
import { readSegments } from './segments.ts'
import type { Emit, OfferUpdate, Segment, TransactionHeader, TransactionVisitor } from './types.ts'

/** The transaction sets wismo reads: supplier feeds, and the carrier's shipment status. */
const MAPPERS: Record<string, (tx: TransactionHeader, emit: Emit) => TransactionVisitor> = {
  '855': map855,
  '856': map856,
  '870': map870,
  '846': map846,
  '214': map214,
}

/** Transaction set ids wismo reads. */
export const SUPPORTED_SETS = Object.keys(MAPPERS)

function startMapper(tx: TransactionHeader, st: Segment, emit: Emit): TransactionVisitor {
  const map = lookup(MAPPERS, tx.setId)
  if (!map) {
    // Refused (quarantined) rather than skipped: a PO or warehouse order sent here is misrouted, and someone should see it.
    const problem = `transaction set ${tx.setId} is not a supplier feed wismo reads (it reads ${SUPPORTED_SETS.join(', ')})`
    throw new X12Error(st, problem, { transactionCode: '1' }, 'FEED_X12_UNSUPPORTED')
  }
  return map(tx, emit)
}

export interface X12Batch {
  signals: NormalizedSignal[]
  offers: OfferUpdate[]
  events: CarrierEvent[]
}

/** Reads one file; `log` holds what was read of its envelopes, also after a failure. */
export class X12Reader {
  private readonly envelope: EnvelopeReader
  private pending: X12Batch = { signals: [], offers: [], events: [] }

  constructor(private readonly body: Buffer) {
    const emit: Emit = {
      signal: (s) => void this.pending.signals.push(s),
      offer: (u) => void this.pending.offers.push(u),
      event: (e) => void this.pending.events.push(e),
    }
    this.envelope = new EnvelopeReader((tx, st) => startMapper(tx, st, emit))
  }

  /** Every interchange, group and transaction set read so far, with its faults (for the 997). */
  get log(): InterchangeResult[] {
    return this.envelope.interchanges
  }

  /** Transaction sets read, by id ("855" → 2). */
  get setCounts(): ReadonlyMap<string, number> {
    return this.envelope.setCounts
  }

  /**
   * Yields what was read, `size` items at a time, as it goes. Throws a DomainError (after the
   * batches before it were yielded) when the file is refused: apply inside a transaction.
   */
  *batches(size = 2000): Generator<X12Batch, void, undefined> {
    const segments = readSegments(this.body)
    for (;;) {
      const next = this.nextSegment(segments)
      if (next.done) break
      this.envelope.feed(next.value)
      if (this.pending.signals.length + this.pending.offers.length + this.pending.events.length >= size) yield this.take()
    }
    this.envelope.finish()
    yield this.take()
  }

  /** The tokenizer's own refusals (an unreadable ISA) go through the envelope reader, so the log and message agree. */
  private nextSegment(segments: Generator<Segment, void, undefined>): IteratorResult<Segment, void> {
    try {
      return segments.next()
    } catch (err) {
      if (err instanceof X12Error) this.envelope.abort(err)
      throw err
    }
  }

  private take(): X12Batch {
    const out = this.pending
    this.pending = { signals: [], offers: [], events: [] }
    return out
  }
}

export interface ParsedX12 {
  signals: NormalizedSignal[]
  offers: OfferUpdate[]
  events: CarrierEvent[]
  interchanges: InterchangeResult[]
}

/** Reads a whole (small) file into memory: for tests and tools. Throws a DomainError when refused. */
export function parseX12(body: Buffer): ParsedX12 {
  const reader = new X12Reader(body)
  const out: ParsedX12 = { signals: [], offers: [], events: [], interchanges: reader.log }
  for (const batch of reader.batches()) {
    for (const s of batch.signals) out.signals.push(s)
    for (const o of batch.offers) out.offers.push(o)
    for (const e of batch.events) out.events.push(e)
  }
  return out
}

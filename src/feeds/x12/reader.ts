/**
 * Reading an X12 file end to end, purely: tokenizer → envelope reader → one mapper per
 * transaction set (855, 856, 870, 846; 214 from carriers; 997/999 answering wismo's own
 * documents) → signals, offer updates, carrier events and acknowledgments, handed out in batches
 * so the store can apply a huge file while it is being read. Each interchange stands alone: any
 * problem refuses the interchange it is in (an X12Error naming the segment), and `steps` says
 * where each one ends so the store can keep or undo it whole. The envelope log tells each 997
 * what to say.
 */
import type { NormalizedSignal } from '../signal.ts'
import type { CarrierEvent } from '../../domain/types.ts'
import { X12Error } from './errors.ts'
import { lookup } from './elements.ts'
import { EnvelopeReader, combine, type InterchangeResult } from './envelope.ts'
import { FUNCTIONAL_GROUP, groupName } from './functional-groups.ts'
import { map214 } from './map-214.ts'
import { map846 } from './map-846.ts'
import { map855 } from './map-855.ts'
import { map856 } from './map-856.ts'
import { map870 } from './map-870.ts'
import { map997 } from './map-997.ts'
import { readSegments } from './segments.ts'
import type { AckReceived, Emit, OfferUpdate, Segment, TransactionHeader, TransactionVisitor } from './types.ts'

/** The transaction sets wismo reads: supplier feeds, and the carrier's shipment status. */
const MAPPERS: Record<string, (tx: TransactionHeader, emit: Emit) => TransactionVisitor> = {
  '855': map855,
  '856': map856,
  '870': map870,
  '846': map846,
  '214': map214,
  '997': map997,
  '999': map997,
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
  // GS01 must be the group this set travels in (an 870 in an HP group is not an 870 read as one).
  const group = FUNCTIONAL_GROUP[tx.setId]
  if (tx.group.functionalId !== group) {
    const problem = `transaction set ${tx.setId} does not belong in a GS01 "${tx.group.functionalId}" group (${tx.setId} travels in ${groupName(group)})`
    throw new X12Error(st, problem, { transactionCode: '6' })
  }
  return map(tx, emit)
}

export interface X12Batch {
  signals: NormalizedSignal[]
  offers: OfferUpdate[]
  events: CarrierEvent[]
  acks: AckReceived[]
}

/** What reading hands out: what was read, and where each interchange ends (with its problems). */
export type X12Step = { kind: 'batch'; batch: X12Batch } | { kind: 'end'; interchange: InterchangeResult }

const emptyBatch = (): X12Batch => ({ signals: [], offers: [], events: [], acks: [] })
const sizeOf = (b: X12Batch) => b.signals.length + b.offers.length + b.events.length + b.acks.length

/** Reads one file; `log` holds what was read of its envelopes, also after a failure. */
export class X12Reader {
  private readonly envelope: EnvelopeReader
  private pending: X12Batch = emptyBatch()

  constructor(private readonly body: Buffer) {
    const emit: Emit = {
      signal: (s) => void this.pending.signals.push(s),
      offer: (u) => void this.pending.offers.push(u),
      event: (e) => void this.pending.events.push(e),
      ack: (a) => void this.pending.acks.push(a),
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

  /** Every problem found in the file, in order. */
  get errors(): readonly X12Error[] {
    return this.envelope.errors
  }

  /** Problems outside any interchange (an unreadable ISA, not X12 at all): nothing after them was read. */
  get fileErrors(): readonly X12Error[] {
    return this.envelope.fileErrors
  }

  /**
   * Yields what was read, `size` items at a time, as it goes, and an `end` step after the last
   * batch of each interchange. Never throws for bad X12: problems are on each interchange's
   * `errors` (and `fileErrors`); apply each interchange so that it can be undone whole.
   */
  *steps(size = 2000): Generator<X12Step, void, undefined> {
    const segments = readSegments(this.body)
    for (;;) {
      const next = this.nextSegment(segments)
      if (next.done) break
      this.envelope.feed(next.value)
      yield* this.flushEnded()
      if (sizeOf(this.pending) >= size) yield { kind: 'batch', batch: this.take() }
    }
    this.envelope.finish()
    yield* this.flushEnded()
  }

  /**
   * Yields every batch read; throws a DomainError (after the batches before it were yielded)
   * when anything in the file was refused: for tools and tests that take a file whole.
   */
  *batches(size = 2000): Generator<X12Batch, void, undefined> {
    for (const step of this.steps(size)) if (step.kind === 'batch') yield step.batch
    yield this.take()
    if (this.envelope.errors.length > 0) throw combine(this.envelope.errors)
  }

  /** An interchange just ended: what it emitted goes out first, then its end. */
  private *flushEnded(): Generator<X12Step, void, undefined> {
    const ended = this.envelope.takeEnded()
    if (ended.length === 0) return
    if (sizeOf(this.pending) > 0) yield { kind: 'batch', batch: this.take() }
    for (const ic of ended) yield { kind: 'end', interchange: ic }
  }

  /** The tokenizer's own refusals (an unreadable ISA) go through the envelope reader, so the log and message agree; reading stops there. */
  private nextSegment(segments: Generator<Segment, void, undefined>): IteratorResult<Segment, void> {
    try {
      return segments.next()
    } catch (err) {
      if (!(err instanceof X12Error)) throw err
      this.envelope.abort(err)
      return { done: true, value: undefined }
    }
  }

  private take(): X12Batch {
    const out = this.pending
    this.pending = emptyBatch()
    return out
  }
}

export interface ParsedX12 extends X12Batch {
  interchanges: InterchangeResult[]
}

/** Reads a whole (small) file into memory: for tests and tools. Throws a DomainError when anything in it is refused. */
export function parseX12(body: Buffer): ParsedX12 {
  const reader = new X12Reader(body)
  const out: ParsedX12 = { ...emptyBatch(), interchanges: reader.log }
  for (const batch of reader.batches()) {
    for (const s of batch.signals) out.signals.push(s)
    for (const o of batch.offers) out.offers.push(o)
    for (const e of batch.events) out.events.push(e)
    for (const a of batch.acks) out.acks.push(a)
  }
  return out
}

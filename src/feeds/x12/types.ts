/**
 * The shapes shared by the X12 reader: segments as the tokenizer yields them, envelope headers,
 * and what the transaction mappers emit. Pure data; nothing here touches I/O.
 */
import type { CarrierEvent, IsoDate } from '../../domain/types.ts'
import type { NormalizedSignal } from '../signal.ts'

/** The separators an interchange declares in its ISA header. */
export interface Delimiters {
  element: string
  component: string
  /** One character, possibly multi-byte in UTF-8 (the "…" sample). */
  segment: string
}

/** One segment: `elements[0]` is the tag, `elements[i]` is element i (so `BAK03` is `elements[3]`). */
export interface Segment {
  tag: string
  elements: string[]
  /** 1-based position in the file: error messages say "segment #N (TAG)". */
  index: number
  /** On an ISA read by the tokenizer: the checked header, with the interchange's separators. */
  isa?: InterchangeHeader
  /** Set by the tokenizer when the segment's bytes cannot be data (a control character): the envelope rejects its set. */
  unreadable?: X12SegmentProblem
}

export interface X12SegmentProblem {
  problem: string
  /** AK4's element position and code (6, invalid character). */
  element: { position: number; code: string }
}

export interface InterchangeHeader {
  senderQualifier: string
  /** ISA06, trimmed. */
  senderId: string
  receiverQualifier: string
  receiverId: string
  /** ISA12, e.g. 00401. */
  version: string
  /** ISA13, nine digits. */
  control: string
  /** ISA15: P production, T test. */
  usage: string
  delimiters: Delimiters
}

export interface GroupHeader {
  /** GS01, e.g. PR for 855. */
  functionalId: string
  senderCode: string
  receiverCode: string
  control: string
  /** GS08, e.g. 004010 or 004010VICS. */
  version: string
}

export interface TransactionHeader {
  /** ST01, e.g. 855. */
  setId: string
  /** ST02. */
  control: string
  interchange: InterchangeHeader
  group: GroupHeader
}

/**
 * What an 846 says about one item: the supplier's stock and restock date. Applied to the
 * supplier's `offers` row found by the buyer's SKU, else by the supplier's own SKU.
 */
export interface OfferUpdate {
  sku: string | null
  supplierSku: string | null
  /** null: the item gave no available/on-hand quantity (keep what is known). */
  availableQty: number | null
  restockDate: IsoDate | null
  location: string
}

/** What a received 997 (or 999) says about one transaction set of the group it acknowledges. */
export interface AckedSet {
  /** AK201/AK202: the set acknowledged (e.g. 850, 0001). */
  setId: string
  control: string
  /** AK501 (IK501): A accepted, E accepted with errors noted, R/M/W/X rejected. */
  status: string
  /** AK502…: why, as codes. */
  codes: string[]
  /** AK3/AK4 (IK3/IK4) in words: which segment and element the partner found wrong. */
  errors: string[]
}

/**
 * A functional acknowledgment received: the partner's answer to one group wismo sent (AK1),
 * matched to wismo's own 850/860 by its functional id and group control number.
 */
export interface AckReceived {
  /** 997 or 999. */
  setId: string
  /** AK101/AK102: the acknowledged group's GS01 and GS06. */
  functionalId: string
  groupControl: string
  /** AK901: A, E, P (partially accepted), R, M, W, X. */
  groupStatus: string
  /** AK905…: group-level reasons. */
  groupCodes: string[]
  sets: AckedSet[]
  location: string
}

/** Where mappers put what they read; the reader batches it for the store. */
export interface Emit {
  signal(s: NormalizedSignal): void
  offer(u: OfferUpdate): void
  /** A carrier's status of a shipment (214): applied like any carrier event. */
  event(e: CarrierEvent): void
  /** A 997/999 answering one of wismo's own groups. */
  ack(a: AckReceived): void
}

/** Reads one transaction set's segments between ST and SE (exclusive). Throws X12Error to reject it. */
export interface TransactionVisitor {
  segment(seg: Segment): void
  /** Called at SE (given, so an error can name it): emit what is still buffered. */
  end(se: Segment): void
}

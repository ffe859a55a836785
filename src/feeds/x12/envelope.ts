/**
 * The envelope reader: checks ISA/GS/ST…SE/GE/IEA as segments stream past (structure, counts,
 * control numbers), hands each transaction set's segments to its mapper, and keeps what a 997
 * must say about every group and transaction set. Counts and control numbers that disagree are
 * recorded and reading goes on (so the 997 is complete); a broken structure (a missing trailer,
 * a segment outside any transaction set) stops reading that interchange, and reading picks up
 * again at the next ISA. Each interchange keeps its own problems: one that has any is refused,
 * and only it (its siblings in the file stand on their own).
 */
import { X12Error, printable, type X12Fault } from './errors.ts'
import { el } from './elements.ts'
import type { GroupResult, InterchangeResult, TransactionResult } from './envelope-log.ts'
import type { GroupHeader, Segment, TransactionHeader, TransactionVisitor, X12SegmentProblem } from './types.ts'

export { combine, type GroupResult, type InterchangeResult, type TransactionResult } from './envelope-log.ts'

/** Thrown inside the reader to stop reading the current interchange (the problem is recorded). */
const STOP = Symbol('stop interchange')

export type StartTransaction = (tx: TransactionHeader, st: Segment) => TransactionVisitor

interface OpenTransaction {
  header: TransactionHeader
  result: TransactionResult
  visitor: TransactionVisitor | null
  st: Segment
  count: number
}

const TAG = /^[A-Z][A-Z0-9]{1,2}$/
const ENVELOPE = new Set(['ISA', 'GS', 'ST', 'SE', 'GE', 'IEA'])
const SKIP: TransactionVisitor = { segment() {}, end() {} }

function notATag(tag: string): string {
  return tag === '' ? 'an empty segment (two segment terminators with nothing between them)' : `"${printable(tag)}" is not a segment tag`
}

/** Counts and group/interchange control numbers are numbers: "0005" and "5" agree. */
function sameNumber(a: string, b: string): boolean {
  return a === b || (/^\d{1,15}$/.test(a) && /^\d{1,15}$/.test(b) && Number(a) === Number(b))
}

/**
 * Push-based: `feed` each segment in file order, then `finish`. `interchanges` is the log a 997
 * is built from, complete up to where reading stopped; `takeEnded` hands out each interchange
 * once reading it is over (so its items can be applied or rolled back as one).
 */
export class EnvelopeReader {
  readonly interchanges: InterchangeResult[] = []
  /** Every problem found in the file, in order. */
  readonly errors: X12Error[] = []
  /** Problems outside any interchange (an unreadable ISA): what follows them was not read. */
  readonly fileErrors: X12Error[] = []
  /** Transaction sets read, by ST01. */
  readonly setCounts = new Map<string, number>()
  private interchange: InterchangeResult | null = null
  private group: GroupResult | null = null
  private tx: OpenTransaction | null = null
  private last = { index: 0, tag: '' }
  private ended: InterchangeResult[] = []
  /** After a problem that stopped an interchange: segments are skipped until the next ISA. */
  private skipping = false

  constructor(private readonly start: StartTransaction) {}

  /** Interchanges whose reading ended since the last call, in file order. */
  takeEnded(): InterchangeResult[] {
    const out = this.ended
    this.ended = []
    return out
  }

  /** Takes the next segment of the file. A broken structure stops the interchange it is in. */
  feed(seg: Segment): void {
    this.last = seg
    if (this.skipping && seg.tag !== 'ISA') return
    try {
      this.dispatch(seg)
    } catch (err) {
      if (err !== STOP) throw err
      this.endInterchange()
      this.skipping = true
    }
  }

  private dispatch(seg: Segment): void {
    if (seg.unreadable) return this.unreadable(seg, seg.unreadable)
    if (this.tx && !ENVELOPE.has(seg.tag)) return this.inTransaction(this.tx, seg)
    switch (seg.tag) {
      case 'ISA': return this.openInterchange(seg)
      case 'GS': return this.openGroup(seg)
      case 'ST': return this.openTransaction(seg)
      case 'SE': return this.closeTransaction(seg)
      case 'GE': return this.closeGroup(seg)
      case 'IEA': return this.closeInterchange(seg)
      case 'TA1': if (this.interchange && !this.group) return
    }
    const problem = TAG.test(seg.tag)
      ? 'this segment is outside any transaction set (between ST and SE)'
      : `${notATag(seg.tag)} (expected ${this.group ? 'ST or GE' : 'GS or IEA'})`
    this.fatal(seg, problem, this.group ? { groupCode: '1' } : { interchange: true })
  }

  /** The end of the file: every envelope must be closed (an open one is refused as truncated). */
  finish(): void {
    if (!this.interchange) return
    this.record(this.truncated(this.last))
    this.endInterchange()
  }

  /** The innermost envelope still open where the file (or readable part of it) ends. */
  private truncated(at: { index: number; tag: string }): X12Error {
    if (this.tx) return new X12Error(at, `the file ends inside transaction set ${this.tx.result.control} (no SE trailer): it looks truncated`, { transactionCode: '2' })
    if (this.group) return new X12Error(at, `the file ends inside group ${this.group.header.control} (no GE trailer): it looks truncated`, { groupCode: '3' })
    return new X12Error(at, `the file ends inside interchange ${this.interchange!.header.control} (no IEA trailer): it looks truncated`, { interchange: true })
  }

  /**
   * A problem found outside the envelope reader (the tokenizer, on the next ISA): nothing after
   * it can be read. An interchange still open there is refused as cut short.
   */
  abort(err: X12Error): void {
    if (this.interchange) {
      this.record(this.unclosed({ index: err.segmentIndex ?? this.last.index, tag: 'ISA' }))
      this.endInterchange()
    }
    this.record(err)
  }

  private endInterchange(): void {
    if (this.interchange) this.ended.push(this.interchange)
    this.interchange = null
    this.group = null
    this.tx = null
  }

  /** A segment whose bytes cannot be data: inside a transaction set it rejects that set (AK3/AK4), else the interchange. */
  private unreadable(seg: Segment, u: X12SegmentProblem): void {
    const at = { index: seg.index, tag: TAG.test(seg.tag) ? seg.tag : '' }
    const tx = this.tx
    if (tx && !ENVELOPE.has(seg.tag)) {
      tx.count++
      if (tx.visitor) this.txProblem(tx, at, u.problem, { segmentCode: '8', element: u.element })
      return
    }
    return this.fatal(at, u.problem, { interchange: true })
  }

  private openInterchange(seg: Segment): void {
    // The one before it was never closed: it is refused, and this one is read on its own.
    if (this.interchange) {
      this.record(this.unclosed(seg))
      this.endInterchange()
    }
    this.skipping = false
    // The tokenizer checked the ISA and put its header on the segment; a bare "ISA" at the end of a file has none.
    if (!seg.isa) {
      this.record(new X12Error(seg, 'the ISA header is cut short', { interchange: true }))
      this.skipping = true
      return
    }
    this.interchange = { header: seg.isa, groups: [], fault: false, errors: [] }
    this.interchanges.push(this.interchange)
  }

  private openGroup(seg: Segment): void {
    if (!this.interchange || this.group) this.fatalUnclosed(seg)
    const header: GroupHeader = {
      functionalId: el(seg, 1), senderCode: el(seg, 2), receiverCode: el(seg, 3), control: el(seg, 6), version: el(seg, 8),
    }
    this.group = { header, transactions: [], declaredCount: null, fault: null }
    this.interchange!.groups.push(this.group)
    if (!/^\d{1,9}$/.test(header.control)) this.problem(seg, `GS06 (group control number) must be 1 to 9 digits, found "${printable(header.control)}"`, { groupCode: '6' })
  }

  private openTransaction(seg: Segment): void {
    if (!this.group || this.tx) this.fatalUnclosed(seg)
    const group = this.group!
    const header: TransactionHeader = { setId: el(seg, 1), control: el(seg, 2), interchange: this.interchange!.header, group: group.header }
    const result: TransactionResult = { setId: header.setId, control: header.control, fault: null }
    const tx: OpenTransaction = { header, result, visitor: null, st: seg, count: 1 }
    const duplicate = group.transactions.some((t) => t.control === header.control)
    group.transactions.push(result)
    this.tx = tx
    this.setCounts.set(header.setId, (this.setCounts.get(header.setId) ?? 0) + 1)
    if (!/^\d{3}$/.test(header.setId)) {
      return this.txProblem(tx, seg, `ST01 "${printable(header.setId)}" is not a transaction set id`, { transactionCode: '6' })
    }
    if (!/^[A-Za-z0-9]{4,9}$/.test(header.control)) {
      return this.txProblem(tx, seg, `ST02 "${printable(header.control)}" is not a control number (4 to 9 characters)`, { transactionCode: '7' })
    }
    if (duplicate) return this.txProblem(tx, seg, `ST02 ${header.control} is used twice in group ${group.header.control}`, { transactionCode: '23' })
    this.guard(tx, () => { tx.visitor = this.start(header, seg) })
  }

  private inTransaction(tx: OpenTransaction, seg: Segment): void {
    tx.count++
    if (!tx.visitor) return
    if (!TAG.test(seg.tag)) return this.txProblem(tx, seg, notATag(seg.tag), { segmentCode: '1' })
    this.guard(tx, () => tx.visitor!.segment(seg))
  }

  private closeTransaction(seg: Segment): void {
    const tx = this.tx
    if (!tx) return this.fatal(seg, 'SE without an ST before it', this.group ? { groupCode: '1' } : { interchange: true })
    tx.count++
    if (tx.visitor) this.guard(tx, () => tx.visitor!.end(seg))
    const declared = el(seg, 1)
    if (!sameNumber(declared, String(tx.count))) {
      const problem = `SE01 says ${printable(declared) || 'nothing'}, but transaction set ${tx.result.control} has ${tx.count} segments (ST through SE)`
      this.txProblem(tx, seg, problem, { transactionCode: '4' })
    }
    if (el(seg, 2) !== tx.result.control) {
      this.txProblem(tx, seg, `SE02 ${printable(el(seg, 2))} does not match ST02 ${tx.result.control}`, { transactionCode: '3' })
    }
    this.tx = null
  }

  private closeGroup(seg: Segment): void {
    if (this.tx || !this.group) this.fatalUnclosed(seg)
    const group = this.group!
    const declared = el(seg, 1)
    group.declaredCount = /^\d+$/.test(declared) ? Number(declared) : null
    if (group.declaredCount !== group.transactions.length) {
      this.problem(seg, `GE01 says ${printable(declared) || 'nothing'} transaction sets, but group ${group.header.control} has ${group.transactions.length}`, { groupCode: '5' })
    }
    if (!sameNumber(el(seg, 2), group.header.control)) {
      this.problem(seg, `GE02 ${printable(el(seg, 2))} does not match GS06 ${group.header.control}`, { groupCode: '4' })
    }
    this.group = null
  }

  private closeInterchange(seg: Segment): void {
    if (this.tx || this.group || !this.interchange) this.fatalUnclosed(seg)
    const ic = this.interchange!
    const declared = el(seg, 1)
    if (!sameNumber(declared, String(ic.groups.length))) {
      this.problem(seg, `IEA01 says ${printable(declared) || 'nothing'} groups, but interchange ${ic.header.control} has ${ic.groups.length}`, { interchange: true })
    }
    if (!sameNumber(el(seg, 2), ic.header.control)) {
      this.problem(seg, `IEA02 ${printable(el(seg, 2))} does not match ISA13 ${ic.header.control}`, { interchange: true })
    }
    this.endInterchange()
  }

  /** An envelope segment where the one before it was never closed (or never opened). */
  private fatalUnclosed(seg: Segment): never {
    this.record(this.unclosed(seg))
    throw STOP
  }

  private unclosed(seg: { index: number; tag: string }): X12Error {
    const { tx, group, interchange } = this
    if (tx) {
      return new X12Error(seg, `transaction set ${tx.result.control} (ST at segment #${tx.st.index}) has no SE trailer before this ${seg.tag}`, { transactionCode: '2' })
    }
    if (group && seg.tag !== 'ST' && seg.tag !== 'GE') {
      return new X12Error(seg, `group ${group.header.control} has no GE trailer before this ${seg.tag}`, { groupCode: '3' })
    }
    if (interchange && seg.tag === 'ISA') {
      return new X12Error(seg, `interchange ${interchange.header.control} has no IEA trailer before this ISA`, { interchange: true })
    }
    const opener: Record<string, string> = { ST: 'GS (functional group header)', GE: 'GS', GS: 'ISA', IEA: 'ISA' }
    return new X12Error(seg, `${seg.tag} without the ${opener[seg.tag] ?? 'envelope'} it belongs in`, { interchange: true })
  }

  /** Runs mapper code; an X12Error rejects this transaction set (and its interchange), reading goes on. */
  private guard(tx: OpenTransaction, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      if (!(err instanceof X12Error)) throw err
      this.rejectTransaction(tx, err)
    }
  }

  private txProblem(tx: OpenTransaction, at: { index: number; tag: string }, problem: string, fault: X12Fault): void {
    this.rejectTransaction(tx, new X12Error(at, problem, fault))
  }

  private rejectTransaction(tx: OpenTransaction, err: X12Error): void {
    this.note(err)
    tx.visitor = null
    if (tx.result.fault) return
    const f = err.fault
    const segment = f.transactionCode || err.segmentIndex === null || err.tag === null
      ? undefined
      : { tag: err.tag, position: err.segmentIndex - tx.st.index + 1, code: f.segmentCode ?? '8' }
    tx.result.fault = { code: f.transactionCode ?? '5', segment, element: segment ? f.element : undefined }
  }

  private problem(at: { index: number; tag: string }, problem: string, fault: X12Fault): void {
    this.record(new X12Error(at, problem, fault))
  }

  /** Keeps a problem with the file and with the interchange it belongs to (if any). */
  private note(err: X12Error): void {
    this.errors.push(err)
    if (this.interchange) this.interchange.errors.push(err)
    else this.fileErrors.push(err)
  }

  private record(err: X12Error): void {
    this.note(err)
    const f = err.fault
    if (f.transactionCode && this.tx && !this.tx.result.fault) this.tx.result.fault = { code: f.transactionCode }
    if (f.groupCode && this.group) this.group.fault ??= f.groupCode
    if (f.interchange && this.interchange) this.interchange.fault = true
  }

  /** Records a problem that stops reading this interchange (the next ISA starts afresh). */
  private fatal(at: { index: number; tag: string }, problem: string, fault: X12Fault): never {
    this.record(new X12Error(at, problem, fault))
    throw STOP
  }
}

import { DomainError } from '../../domain/errors.ts'

/**
 * What a 997 needs to say about a rejected segment or envelope: the AK3/AK4 codes, or the
 * AK5/AK9 code when the problem is the transaction set or group as a whole.
 */
export interface X12Fault {
  /** AK304: 1 unrecognized segment, 2 unexpected, 3 mandatory missing, 7 out of sequence, 8 element errors. */
  segmentCode?: string
  /** AK4: element position, AK403 code (1 missing, 6 invalid character, 7 invalid code, 8 invalid date), bad value. */
  element?: { position: number; code: string; value?: string }
  /** AK502 (1 not supported, 2 SE missing, 3 control mismatch, 4 count mismatch, 23 control not unique). */
  transactionCode?: string
  /** AK905 (3 GE missing, 4 control mismatch, 5 count mismatch). */
  groupCode?: string
  /** The problem is the interchange (ISA/IEA): every group in it is rejected. */
  interchange?: boolean
}

/**
 * A refused X12 file, named by segment position and tag: `segment #12 (ACK): ACK01 "ZZ" is not…`.
 * It is a DomainError, so ingest quarantines the file with this message as the reason.
 */
export class X12Error extends DomainError {
  readonly segmentIndex: number | null
  readonly tag: string | null
  readonly fault: X12Fault

  constructor(at: { index: number; tag: string } | null, problem: string, fault: X12Fault = {}, code = 'FEED_X12_INVALID') {
    super(code, at ? `segment #${at.index} (${at.tag === '' ? 'empty' : printable(at.tag)}): ${problem}` : problem)
    this.name = 'X12Error'
    this.segmentIndex = at?.index ?? null
    this.tag = at?.tag ?? null
    this.fault = fault
  }
}

/** A value fit for an error message: control bytes shown as `\xNN`, long values cut. */
export function printable(value: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}

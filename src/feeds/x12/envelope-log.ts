/**
 * What the envelope reader keeps about each interchange, group and transaction set it read:
 * what a 997 must say about them, and the problems that refuse an interchange.
 */
import { DomainError } from '../../domain/errors.ts'
import type { X12Error, X12Fault } from './errors.ts'
import type { GroupHeader, InterchangeHeader } from './types.ts'

/** What the 997 reports about one transaction set. */
export interface TransactionResult {
  setId: string
  control: string
  fault: { code: string; segment?: { tag: string; position: number; code: string }; element?: X12Fault['element'] } | null
}

export interface GroupResult {
  header: GroupHeader
  transactions: TransactionResult[]
  /** GE01 as sent (null until GE is read). */
  declaredCount: number | null
  /** AK905 when the group's own envelope is wrong. */
  fault: string | null
}

export interface InterchangeResult {
  header: InterchangeHeader
  groups: GroupResult[]
  /** The ISA/IEA envelope itself is wrong: every group in it is rejected. */
  fault: boolean
  /** Every problem found in this interchange, in file order: any one refuses it. */
  errors: X12Error[]
}

/** Every problem found, as one DomainError: the first is the message, the next ones its details. */
export function combine(errors: X12Error[]): DomainError {
  const [first, ...rest] = errors
  if (rest.length === 0) return first
  const details = rest.slice(0, 9).map((e) => e.message)
  if (rest.length > 9) details.push(`and ${rest.length - 9} more problems`)
  return new DomainError(first.code, first.message, { details, cause: first })
}

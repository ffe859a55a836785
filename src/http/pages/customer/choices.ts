/**
 * The customer's choices as the pages need them: verify a message's link token and record a
 * wait / switch / cancel. Backed by src/choices (recordChoice, choice tokens).
 */
import { DomainError } from '../../../domain/errors.ts'
import type { Db } from '../../../store/db.ts'

export interface ChoiceTokenClaims {
  orderNumber: string
  lineNo: number
  nonce: string
}

export interface RecordInput {
  orderNumber: string
  lineNo: number
  choice: 'wait' | 'switch' | 'cancel'
  sku?: string
  /** The customer saw and accepted a dearer alternative's price difference. */
  acceptPrice?: boolean
  decidedBy: string
  channel: 'link' | 'page' | 'console'
  tokenNonce?: string
  now: Date
}

export interface ChoicePort {
  /** The token's claims when it is genuine and unexpired; null otherwise. */
  verifyToken(token: string, now: Date): ChoiceTokenClaims | null
  /** Records the choice; throws DomainError with the refusal's code. */
  record(db: Db, input: RecordInput): Promise<void>
}

/** Until choices are wired in, every choice is refused with a clear reason. */
export function defaultChoicePort(_secret: string): ChoicePort {
  return {
    verifyToken: () => null,
    async record() {
      throw new DomainError('CHOICE_UNAVAILABLE', 'choices are not available yet')
    },
  }
}

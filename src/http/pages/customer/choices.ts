/**
 * The customer's choices as the pages need them: verify a message's link token and record a
 * wait / switch / cancel — src/choices (recordChoice, choice tokens) behind one narrow port, so
 * the pages and their tests share one shape.
 */
import { DomainError } from '../../../domain/errors.ts'
import type { Db } from '../../../store/db.ts'
import type { Config } from '../../../config.ts'
import { recordChoice } from '../../../choices/record-choice.ts'
import { verifyChoiceToken } from '../../../choices/choice-token.ts'
import { isChoiceTokenUsed } from '../../../choices/token-use.ts'

export interface ChoiceTokenClaims {
  orderNumber: string
  lineNo: number
  nonce: string
  expiresAt: Date
}

export interface RecordInput {
  orderNumber: string
  lineNo: number
  choice: 'wait' | 'switch' | 'cancel'
  sku?: string
  /** The customer saw and accepted a dearer alternative's price difference. */
  acceptPrice?: boolean
  /** `customer`, or `rep:<email>`. */
  decidedBy: string
  channel: 'link' | 'page' | 'console'
  tokenNonce?: string
  tokenExpiresAt?: Date
  now: Date
}

export interface ChoicePort {
  /** The token's claims when it is genuine and unexpired; null otherwise. */
  verifyToken(token: string, now: Date): ChoiceTokenClaims | null
  /** True when the link already decided, or its line was decided since it was made. */
  isUsed(db: Db, claims: ChoiceTokenClaims): Promise<boolean>
  /**
   * Records the choice; throws DomainError with the refusal's code. `sameItem`: a switch to the
   * same item from another supplier, which the page words as such, not as a switch.
   */
  record(db: Db, input: RecordInput): Promise<{ sameItem: boolean }>
}

export type ChoiceConfig = Partial<Pick<Config, 'holidays' | 'switchAbsorbPercent' | 'alternativesDelayDays' | 'ediId' | 'timezone' | 'countryHolidays'>>

/** The real port: tokens signed with WISMO_SECRET, choices through recordChoice. */
export function defaultChoicePort(secret: string, config: ChoiceConfig = {}): ChoicePort {
  return {
    verifyToken(token, now) {
      try {
        const c = verifyChoiceToken(secret, token, now)
        return { orderNumber: c.orderNumber, lineNo: c.lineNo, nonce: c.nonce, expiresAt: c.expiresAt }
      } catch (err) {
        if (err instanceof DomainError) return null
        throw err
      }
    },
    isUsed: (db, claims) => isChoiceTokenUsed(db, claims),
    async record(db, input) {
      const outcome = await recordChoice(db, { ...input, config })
      return { sameItem: outcome.switched?.kind === 'other_supplier' }
    },
  }
}

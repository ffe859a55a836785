/**
 * Whether a choice link has been used. A link decides once (DESIGN.md "Choice links"): it is used
 * when its own nonce recorded a choice. A line decided another way (the page, the phone, a text, a
 * rep) leaves the email's link working: the customer's answer to a notice is always taken until the
 * line ships (DESIGN.md "The law on delays"), and the notice told them to answer through it.
 */
import type { Queryable } from '../store/db.ts'
import { CHOICE_TOKEN_DAYS } from './choice-token.ts'

export interface TokenUse {
  orderNumber: string
  lineNo: number
  nonce: string
  expiresAt: Date
}

/**
 * When the link was made: every link lives CHOICE_TOKEN_DAYS from the moment its message was
 * composed (choiceTokenExpiry), so the expiry inside the signed token tells it.
 */
export function tokenIssuedAt(t: Pick<TokenUse, 'expiresAt'>): Date {
  return new Date(t.expiresAt.getTime() - CHOICE_TOKEN_DAYS * 86_400_000)
}

const USED_SQL = 'SELECT 1 FROM line_choices c WHERE c.token_nonce = $1 LIMIT 1'

/** True when the link itself already decided. */
export async function isChoiceTokenUsed(q: Queryable, t: TokenUse): Promise<boolean> {
  const rows = await q.query(USED_SQL, [t.nonce])
  return rows.length > 0
}

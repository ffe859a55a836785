/**
 * Whether a choice link has been used. A link decides once per decision (DESIGN.md "Choice
 * links"): it is used when its own nonce recorded a choice, and also when its line's decision was
 * recorded any other way (the page, the phone, a text, a rep) after the link was made — the
 * customer has answered that notice. A later notice's link (made after that decision) is new.
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

const USED_SQL = `SELECT 1 FROM line_choices c
  WHERE c.token_nonce = $1
     OR (c.decided_at >= $4 AND c.order_line_id = (
          SELECT l.order_line_id FROM orders o JOIN order_lines l USING (order_id) WHERE o.order_number = $2 AND l.line_no = $3))
  LIMIT 1`

/** True when the link already decided, or its line was decided since the link was made. */
export async function isChoiceTokenUsed(q: Queryable, t: TokenUse): Promise<boolean> {
  const rows = await q.query(USED_SQL, [t.nonce, t.orderNumber, t.lineNo, tokenIssuedAt(t)])
  return rows.length > 0
}

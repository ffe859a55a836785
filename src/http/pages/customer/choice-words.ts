import type { DomainError } from '../../../domain/errors.ts'
import type { OrderStatusView } from '../../../status/order-status.ts'
import { formatWindow } from '../../../domain/text.ts'

/** What the customer reads after a choice was recorded. */
export function doneText(choice: string, line: OrderStatusView['lines'][number]): string {
  const when = line.eta ? ` It should arrive ${formatWindow(line.eta)}.` : ''
  if (choice === 'same_item') return `Done — we're getting ${line.name} from stock we found elsewhere.${when}`
  if (choice === 'switch') return `Done — your item is switched to ${line.name}.${when}`
  if (choice === 'cancel') return `Done — ${line.name} is cancelled. Your refund for it is on its way.`
  return `Thanks — we'll keep ${line.name} on order for you and tell you as soon as it ships. You can still cancel any time before then.`
}

// Refusals in customer words; the code stays in the log, not on the page.
const REFUSALS: [RegExp, string][] = [
  [/TOKEN/, 'That link has already been used or has expired. Your earlier choice, if any, stands.'],
  [/ALREADY_RECORDED/, 'We already have your choice for this item.'],
  [/WAIT_UNAVAILABLE/, 'This item can no longer be supplied, so there is nothing to wait for: choose one of the alternatives below, or cancel it for a full refund.'],
  [/OUT_OF_STOCK|NOT_OFFERED|SKU/, 'Sorry, that option is no longer available. Here are the options we can offer now.'],
  [/PRICE/, 'That option costs more: please confirm the price difference to switch.'],
  [/NOT_ELIGIBLE|STATE/, 'This item can no longer be changed — it may already be on its way.'],
]

/** A refused choice, said so a customer knows what to do next. */
export function choiceRefusal(err: DomainError): string {
  for (const [re, text] of REFUSALS) if (re.test(err.code)) return text
  return "Sorry, we couldn't record that choice. Please try again or call us."
}

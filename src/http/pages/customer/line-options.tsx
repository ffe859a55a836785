import type { OrderStatusView } from '../../../status/order-status.ts'
import { formatDay } from '../../../domain/text.ts'
import { priceWords, soonerWords } from './words.ts'
import type { LineOffer } from '../../../choices/choice-rules.ts'

type Line = OrderStatusView['lines'][number]
type Alternative = Line['alternatives'][number]

interface OptionsProps {
  line: Line
  orderNumber: string
  focused: boolean
  /** The confirm panel open without JavaScript: an alternative's SKU, or "cancel". */
  pick: string | null
  token: string | null
  /** Which answers the line takes (a line nobody can supply takes no wait). */
  offer: LineOffer
}

const enc = encodeURIComponent

function Hidden({ token }: { token: string | null }) {
  return token ? <input type="hidden" name="token" value={token} /> : null
}

/**
 * Wait, switch or cancel. A switch is two clicks: "Switch to this" ("Choose this" for the same
 * item) opens its confirm panel (in place with JavaScript, as a page without), "Confirm switch"
 * ("Confirm") records it.
 */
export function LineOptions(p: OptionsProps) {
  const n = p.line.lineNo
  const action = `/orders/${enc(p.orderNumber)}/lines/${n}/choice`
  const base = `/orders/${enc(p.orderNumber)}?line=${n}${p.token ? `&token=${enc(p.token)}` : ''}`
  const canWait = p.offer.wait
  return (
    <section className="options" id={`options-${n}`} aria-labelledby={`options-${n}-h`} tabIndex={-1} data-focus={p.focused ? '' : undefined}>
      <h3 id={`options-${n}-h`}>Your options for this item</h3>
      <ul className="choices">
        {canWait && (
          <li className="choice">
            <form method="post" action={action}>
              <input type="hidden" name="choice" value="wait" />
              <Hidden token={p.token} />
              <button type="submit">Keep waiting</button>
            </form>
            <p className="small">We'll ship it as soon as it's ready. You can still cancel any time before it ships.</p>
          </li>
        )}
        {p.offer.switch && p.line.alternatives.map((a, i) => (
          <li className="choice alt" key={a.sku}>
            <AlternativeSummary a={a} />
            <a className="button" href={`${base}&pick=${enc(a.sku)}#confirm-${n}-${i}`} data-pick={`confirm-${n}-${i}`}>
              {words(a).pick}<span className="sr-only">: {a.name}</span>
            </a>
            <div className="confirm" id={`confirm-${n}-${i}`} hidden={p.pick !== a.sku} tabIndex={-1} aria-labelledby={`confirm-${n}-${i}-h`}>
              <h4 id={`confirm-${n}-${i}-h`}>{words(a).question}</h4>
              <p>{a.eta ? `It should arrive by ${formatDay(a.eta)}. ` : ''}{priceWords(a.priceDelta)}{a.priceDelta > 0 ? ': we will charge the difference.' : a.priceDelta < 0 ? ': we will refund the difference.' : '.'}</p>
              <form method="post" action={action}>
                <input type="hidden" name="choice" value="switch" />
                <input type="hidden" name="sku" value={a.sku} />
                {a.priceDelta > 0 && <input type="hidden" name="accept_price" value="yes" />}
                <Hidden token={p.token} />
                <button type="submit" className="primary">{words(a).confirm}</button>
              </form>
              <a href={`${base}#options-${n}`} data-unpick>Keep my item as it is</a>
            </div>
          </li>
        ))}
        <li className="choice">
          <a className="button secondary" href={`${base}&pick=cancel#confirm-${n}-cancel`} data-pick={`confirm-${n}-cancel`}>
            Cancel this item
          </a>
          <div className="confirm" id={`confirm-${n}-cancel`} hidden={p.pick !== 'cancel'} tabIndex={-1} aria-labelledby={`confirm-${n}-cancel-h`}>
            <h4 id={`confirm-${n}-cancel-h`}>Cancel {p.line.name}?</h4>
            <p>You will get a full refund for this item. The rest of your order is not affected.</p>
            <form method="post" action={action}>
              <input type="hidden" name="choice" value="cancel" />
              <Hidden token={p.token} />
              <button type="submit" className="danger">Confirm cancellation</button>
            </form>
            <a href={`${base}#options-${n}`} data-unpick>Keep my item</a>
          </div>
        </li>
      </ul>
    </section>
  )
}

/**
 * The same SKU from another supplier is the customer's own item: it is never announced as a
 * switch to a product of the same name, only as getting it from stock we found elsewhere.
 */
function words(a: Alternative): { kind: string; pick: string; question: string; confirm: string } {
  if (a.kind === 'other_supplier') {
    return {
      kind: a.daysSooner !== null ? 'The same item, ships sooner' : 'The same item, from stock we found elsewhere',
      pick: 'Choose this', question: 'Get this item from stock we found elsewhere?', confirm: 'Confirm',
    }
  }
  const kind = a.kind === 'variant' ? 'Another color or size' : 'An equivalent from another brand'
  return { kind, pick: 'Switch to this', question: `Switch to ${a.name}?`, confirm: 'Confirm switch' }
}

function AlternativeSummary({ a }: { a: Alternative }) {
  const sooner = soonerWords(a.daysSooner)
  const kind = words(a).kind
  return (
    <div className="alt-summary">
      <strong>{a.name}</strong>
      <span className="small">{kind}</span>
      <span>{a.eta ? `Arrives by ${formatDay(a.eta)}` : 'Ships now'}{sooner ? ` — ${sooner}` : ''}</span>
      <span>{priceWords(a.priceDelta)}</span>
    </div>
  )
}

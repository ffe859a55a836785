import type { OrderStatusView } from '../../../status/order-status.ts'
import type { TimelineEvent } from '../../../domain/timeline.ts'
import { formatWindow } from '../../../domain/text.ts'
import { CustomerLayout } from './layout.tsx'
import { LineCard, type ChosenNote } from './line-card.tsx'
import { ETA_SOURCE_WORDS } from './words.ts'
import { type StoreInfo } from '../render.ts'
import type { LineOffer } from '../../../choices/choice-rules.ts'

export interface Banner {
  kind: 'done' | 'error'
  lineNo: number | null
  text: string
}

export interface OrderPageProps {
  store: StoreInfo
  timeZone: string
  view: OrderStatusView
  timelines: Map<number, TimelineEvent[]>
  /** Each line's last recorded answer, by line number. */
  chosen: Map<number, ChosenNote>
  /** The store's today (YYYY-MM-DD). */
  today: string
  /** The answers each line takes now (wait, cancel, switch), by line number. */
  offers: Map<number, LineOffer>
  /** The line whose options to open and focus (a message's link, or the last action). */
  focusLine: number | null
  /** The confirm panel to show without JavaScript: a SKU to switch to, or "cancel". */
  pick: { lineNo: number; what: string } | null
  /** A choice link's token, carried into the forms so the choice counts as the link's answer. */
  token: string | null
  banner: Banner | null
}

/** `GET /orders/{number}`: the order after a lookup, line by line. */
export function OrderPage(p: OrderPageProps) {
  const { view } = p
  return (
    <CustomerLayout store={p.store} title={`Order ${view.orderNumber}`}>
      {/* The confirmation of a choice comes first: after the redirect the phone opens here, not mid-page. */}
      <div role="status" id="confirmation" className="status-region" data-focus={p.banner ? '' : undefined} tabIndex={p.banner ? -1 : undefined}>
        {p.banner && (
          <div className={`notice ${p.banner.kind === 'done' ? 'ok' : 'error'}`}>
            <p>{p.banner.text}</p>
            {p.banner.lineNo !== null && <p className="small"><a href={`#line-${p.banner.lineNo}`}>See the item</a></p>}
          </div>
        )}
      </div>
      <h1>Order {view.orderNumber}</h1>
      <p className="headline">{view.headline}</p>
      {view.eta && !['delivered', 'cancelled', 'exception', 'unavailable'].includes(view.state) && !view.headline.includes(formatWindow(view.eta)) && (
        <p className="eta">
          Expected {formatWindow(view.eta)} <span className="small">(from {ETA_SOURCE_WORDS[view.eta.source]})</span>
        </p>
      )}
      <ol className="lines">
        {view.lines.map((line) => (
          <li key={line.lineNo}>
            <LineCard
              line={line}
              today={p.today}
              chosen={p.chosen.get(line.lineNo) ?? null}
              orderNumber={view.orderNumber}
              timeZone={p.timeZone}
              events={p.timelines.get(line.lineNo) ?? []}
              focused={p.focusLine === line.lineNo && !p.banner}
              pick={p.pick && p.pick.lineNo === line.lineNo ? p.pick.what : null}
              token={p.token}
              offer={p.offers.get(line.lineNo) ?? null}
            />
          </li>
        ))}
      </ol>
      <p className="small"><a href="/">Look up another order</a></p>
    </CustomerLayout>
  )
}

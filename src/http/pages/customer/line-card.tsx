import type { OrderStatusView } from '../../../status/order-status.ts'
import type { TimelineEvent } from '../../../domain/timeline.ts'
import { formatDay, formatWindow } from '../../../domain/text.ts'
import { formatWhen } from '../render.ts'
import { ETA_SOURCE_WORDS, STATE_TONE, STATE_WORDS } from './words.ts'
import { LineOptions } from './line-options.tsx'
import type { LineOffer } from '../../../choices/choice-rules.ts'
import { hasOffer } from '../../../choices/line-offers.ts'

type Line = OrderStatusView['lines'][number]

export interface LineCardProps {
  line: Line
  orderNumber: string
  timeZone: string
  events: TimelineEvent[]
  focused: boolean
  pick: string | null
  token: string | null
  /** What the line takes now; null or all false: no options. */
  offer: LineOffer | null
}

/** One order line: its state in words, ETA and where it came from, tracking, its story, its options. */
export function LineCard(p: LineCardProps) {
  const { line } = p
  const id = `line-${line.lineNo}`
  return (
    <article className="line" id={id} aria-labelledby={`${id}-name`}>
      <h2 id={`${id}-name`}>
        {line.name} <span className="qty">× {line.qty}</span>
      </h2>
      <p><span className={`badge ${STATE_TONE[line.state]}`}>{STATE_WORDS[line.state]}</span></p>
      <p>{line.explanation}</p>
      {line.eta && (
        <p className="eta">
          <strong>{line.state === 'delivered' ? `Delivered ${formatDay(line.eta.latest)}` : `Arrives ${formatWindow(line.eta)}`}</strong>
          <br />
          <span className="small">Based on {ETA_SOURCE_WORDS[line.eta.source]}.</span>
        </p>
      )}
      {!line.eta && line.state !== 'cancelled' && line.state !== 'delivered' && (
        <p className="eta small">We don't have a reliable arrival date yet; we'll tell you as soon as we do.</p>
      )}
      {line.tracking.length > 0 && (
        <ul className="tracking" aria-label="Tracking">
          {line.tracking.map((t) => (
            <li key={t.number}>
              {t.url ? <a href={t.url} rel="noopener noreferrer">Track with {t.carrier ?? 'the carrier'}: {t.number}</a> : <span>{t.carrier ?? 'Tracking'}: {t.number}</span>}
            </li>
          ))}
        </ul>
      )}
      {p.offer && hasOffer(p.offer) && (
        <LineOptions line={line} orderNumber={p.orderNumber} focused={p.focused} pick={p.pick} token={p.token} offer={p.offer} />
      )}
      <details className="timeline" open={p.events.length <= 4}>
        <summary>What happened so far</summary>
        <ol>
          {p.events.map((e, i) => (
            <li key={i} className={`ev ${e.kind}`}>
              <time dateTime={e.at.toISOString()}>{formatWhen(e.at, p.timeZone)}</time>
              <span className="ev-title">{e.title}</span>
              {e.detail && <span className="ev-detail">{e.detail}</span>}
            </li>
          ))}
        </ol>
      </details>
    </article>
  )
}

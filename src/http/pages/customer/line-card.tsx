import type { OrderStatusView } from '../../../status/order-status.ts'
import type { TimelineEvent } from '../../../domain/timeline.ts'
import { formatDay, formatWindow } from '../../../domain/text.ts'
import { formatWhen } from '../render.ts'
import { ETA_SOURCE_WORDS, STATE_TONE, STATE_WORDS } from './words.ts'
import { LineOptions } from './line-options.tsx'
import type { LineOffer } from '../../../choices/choice-rules.ts'
import { hasOffer } from '../../../choices/line-offers.ts'

type Line = OrderStatusView['lines'][number]

/** A recorded answer, in the customer's words, and when. */
export interface ChosenNote {
  text: string
  at: Date
}

/** Timelines longer than this show their latest events and fold the earlier ones behind a visible control. */
const TIMELINE_SHOWN = 4

export interface LineCardProps {
  line: Line
  /** The store's today: a date before it is never said as an arrival. */
  today: string
  /** The customer's last answer for this line, said where the line is. */
  chosen: ChosenNote | null
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
      {p.chosen && (
        <p className="chosen"><strong>{p.chosen.text}</strong> <span className="small">({formatWhen(p.chosen.at, p.timeZone)})</span></p>
      )}
      <ArrivalNote line={line} today={p.today} />
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
      <LineTimeline id={id} events={p.events} timeZone={p.timeZone} />
    </article>
  )
}

/**
 * The line's date, said once: the explanation usually names the window already, so the card adds
 * only where the date comes from. Nothing that will not happen is promised: no arrival for an
 * unavailable, cancelled or problem parcel, a delivered item says the day it came (not an
 * estimate), and a window already past is never shown as "arrives".
 */
function ArrivalNote({ line, today }: { line: Line; today: string }) {
  const eta = line.eta
  if (line.state === 'delivered') return null
  if (!eta || line.state === 'unavailable' || line.state === 'cancelled' || line.state === 'exception') {
    if (line.state === 'cancelled' || line.state === 'unavailable' || line.state === 'exception') return null
    if (/not known/.test(line.explanation)) return null
    return <p className="eta small">We don't have a reliable arrival date yet; we'll tell you as soon as we do.</p>
  }
  if (eta.latest < today) return <p className="eta small">It was due by {formatDay(eta.latest)}; we're checking on it and will tell you the new date.</p>
  const window = formatWindow(eta)
  const said = line.explanation.includes(window)
  return (
    <p className="eta">
      {!said && <><strong>Arrives {window}</strong><br /></>}
      <span className="small">{said ? 'This date is based on ' : 'Based on '}{ETA_SOURCE_WORDS[eta.source]}.</span>
    </p>
  )
}

/** The line's story, never hidden behind a bare heading: the latest events shown, earlier ones one click away. */
function LineTimeline({ id, events, timeZone }: { id: string; events: TimelineEvent[]; timeZone: string }) {
  if (events.length === 0) return null
  const split = Math.max(0, events.length - TIMELINE_SHOWN)
  const earlier = events.slice(0, split)
  const recent = events.slice(split)
  return (
    <section className="timeline" aria-labelledby={`${id}-story`}>
      <h3 id={`${id}-story`}>What happened so far</h3>
      {earlier.length > 0 && (
        <details className="earlier">
          <summary>Show {earlier.length} earlier {earlier.length === 1 ? 'update' : 'updates'}</summary>
          <TimelineList events={earlier} timeZone={timeZone} />
        </details>
      )}
      <TimelineList events={recent} timeZone={timeZone} />
    </section>
  )
}

function TimelineList({ events, timeZone }: { events: TimelineEvent[]; timeZone: string }) {
  return (
    <ol>
      {events.map((e, i) => (
        <li key={i} className={`ev ${e.kind}`}>
          <time dateTime={e.at.toISOString()}>{formatWhen(e.at, timeZone)}</time>
          <span className="ev-title">{e.title}</span>
          {e.detail && <span className="ev-detail">{e.detail}</span>}
        </li>
      ))}
    </ol>
  )
}

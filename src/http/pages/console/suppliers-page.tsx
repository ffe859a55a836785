import type { Session } from '../../../store/sessions.ts'
import type { SupplierBoardRow, TransportHealth } from '../../../store/supplier-board.ts'
import { formatWhen, type StoreInfo } from '../render.ts'
import { describeSilence } from '../../../domain/supplier-silence.ts'
import { ConsoleLayout } from './layout.tsx'

const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`)
const KIND: Record<TransportHealth['kind'], string> = { sftp: 'SFTP', imap: 'Mailbox' }
/** A transport quiet this long after its last file is worth a look (it polls, nothing comes). */
const QUIET_HOURS = 48

/** One transport's health in a line or two: working, failing (how often, why), or stopped (why). */
function Transport(p: { t: TransportHealth; timeZone: string; now: Date }) {
  const { t } = p
  const when = (at: string | null) => (at ? formatWhen(at, p.timeZone) : 'never')
  const quiet = t.lastFileAt !== null && p.now.getTime() - new Date(t.lastFileAt).getTime() > QUIET_HOURS * 3_600_000
  return (
    <span className="block">
      {KIND[t.kind]} <span className="small">{t.url}</span>
      {t.status === 'stopped'
        ? <strong className="warn block">Stopped: {t.stoppedReason ?? 'by a person'}</strong>
        : t.failures > 0
          ? <strong className="warn block">Failing ({t.failures} in a row): {t.lastError ?? 'no answer'}</strong>
          : null}
      <span className="small block">
        last poll {when(t.lastPollAt)}; last file {when(t.lastFileAt)}{quiet ? ' (no file for 2 days)' : ''}
      </span>
    </span>
  )
}

const cadence = (h: number) => (h === 24 ? 'expected every business day' : `expected every ${h} business hours`)

/** `GET /console/suppliers`: each supplier's feeds, silence and record. */
export function SuppliersPage(p: { store: StoreInfo; session: Session; timeZone: string; rows: SupplierBoardRow[]; mailboxes: TransportHealth[]; now: Date }) {
  const now = p.now
  return (
    <ConsoleLayout store={p.store} title="Suppliers" session={p.session} section="suppliers">
      <h1>Suppliers</h1>
      <p>
        Silence is counted in business hours since the supplier's last feed: the store's time zone, with weekends and holidays
        left out (a Friday feed is not three days old on Monday). Silent: no feed within the supplier's cadence, with a line
        still waiting on it. Rates are over every line ordered from the supplier.
      </p>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Supplier board">
        <table className="grid suppliers">
          <caption className="sr-only">Supplier board</caption>
          <thead>
            <tr>
              <th scope="col">Supplier</th><th scope="col">How files arrive</th><th scope="col">Last feed</th><th scope="col">Silence</th><th scope="col">Open lines</th>
              <th scope="col">Backorder rate</th><th scope="col">Fill rate</th><th scope="col">On-time acknowledgment</th><th scope="col">Average backorder</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((s) => (
              <tr key={s.supplierId} className={s.silent ? 'silent' : undefined}>
                <th scope="row">{s.name}<span className="small block">{s.supplierId}</span></th>
                <td>{s.transports.length > 0 ? s.transports.map((t) => <Transport key={t.transportId} t={t} timeZone={p.timeZone} now={now} />) : <span className="small">drop folder, API or email</span>}</td>
                <td>{s.lastFeedAt ? formatWhen(s.lastFeedAt, p.timeZone) : '—'}</td>
                <td>{s.silent ? <strong className="warn">Silent: {describeSilence(s.silentBusinessHours)}</strong> : describeSilence(s.silentBusinessHours)}<span className="small block">{cadence(s.feedCadenceHours)}</span></td>
                <td><a href={`/console?supplier=${encodeURIComponent(s.supplierId)}`}>{s.openLines}<span className="sr-only"> open lines: show tasks</span></a></td>
                <td>{pct(s.backorderRate)}</td>
                <td>{pct(s.fillRate)}</td>
                <td>{pct(s.onTimeAckRate)}</td>
                <td>{s.avgBackorderDays === null ? '—' : `${s.avgBackorderDays.toFixed(1)} days`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.mailboxes.length > 0 ? (
        <>
          <h2>Mailboxes</h2>
          <p>Suppliers' emails are read here; an attachment counts as a feed of the supplier whose address sent it.</p>
          <ul>{p.mailboxes.map((t) => <li key={t.transportId}><Transport t={t} timeZone={p.timeZone} now={now} /></li>)}</ul>
        </>
      ) : null}
    </ConsoleLayout>
  )
}

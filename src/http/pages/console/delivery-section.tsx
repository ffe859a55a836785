/** The console's "Delivery problems" section: per parcel in trouble, reship / refund / claim, and what was done. */
import type { Session } from '../../../store/sessions.ts'
import { PARCEL_PROBLEMS } from '../../../store/delivery-actions.ts'
import { formatMoney } from '../render.ts'
import { Csrf } from './layout.tsx'
import { Section, Table } from './order-page.tsx'
import type { DeliveryStory, TroubledParcel } from './delivery-story.ts'
import { whenLocal } from './when.ts'

const PROBLEM_WORDS: Record<string, string> = {
  failed_attempt: 'Failed delivery attempt', damaged: 'Damaged', lost: 'Lost', returned_to_sender: 'Returned to sender', other: 'Other',
}

/** The problem the carrier reported, as the first choice of the reason menu. */
function guessProblem(reason: string | null): string {
  const r = (reason ?? '').toLowerCase()
  if (/damage/.test(r)) return 'damaged'
  if (/return/.test(r)) return 'returned_to_sender'
  if (/lost|missing/.test(r)) return 'lost'
  if (/attempt|not home|no one|access/.test(r)) return 'failed_attempt'
  return 'other'
}

function ReasonField({ id, parcel }: { id: string; parcel: TroubledParcel }) {
  return (
    <div className="field">
      <label htmlFor={id}>Problem</label>
      <select id={id} name="reason" defaultValue={guessProblem(parcel.reason)}>
        {PARCEL_PROBLEMS.map((p) => <option key={p} value={p}>{PROBLEM_WORDS[p]}</option>)}
      </select>
    </div>
  )
}

function ParcelForms({ parcel, session, base }: { parcel: TroubledParcel; session: Session; base: string }) {
  const action = (kind: string) => `${base}/lines/${parcel.lineNo}/delivery/${kind}`
  const id = (what: string) => `${what}-${parcel.lineNo}-${parcel.trackingNumber}`
  const settled = parcel.done.find((k) => k === 'reship' || k === 'refund')
  const value = parcel.unitPrice === null ? '' : (parcel.unitPrice * parcel.qty).toFixed(2)
  const hidden = <><Csrf session={session} /><input type="hidden" name="tracking" value={parcel.trackingNumber} /></>
  return (
    <div className="delivery-actions">
      {!settled && (
        <form method="post" action={action('reship')} aria-labelledby={id('reship-h')}>
          <h3 id={id('reship-h')}>Reship</h3>
          {hidden}
          <ReasonField id={id('reship-reason')} parcel={parcel} />
          <div className="field">
            <label htmlFor={id('reship-supplier')}>From supplier</label>
            <select id={id('reship-supplier')} name="supplier">
              {parcel.suppliers.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </div>
          <button type="submit">Reship {parcel.qty} × {parcel.sku}</button>
        </form>
      )}
      {!settled && (
        <form method="post" action={action('refund')} aria-labelledby={id('refund-h')}>
          <h3 id={id('refund-h')}>Refund</h3>
          {hidden}
          <ReasonField id={id('refund-reason')} parcel={parcel} />
          <div className="field">
            <label htmlFor={id('refund-amount')}>Amount</label>
            <input id={id('refund-amount')} name="amount" inputMode="decimal" defaultValue={value} required pattern="\d+(\.\d{1,2})?" />
          </div>
          <button type="submit">Record the refund</button>
        </form>
      )}
      {!parcel.done.includes('claim') && (
        <form method="post" action={action('claim')} aria-labelledby={id('claim-h')}>
          <h3 id={id('claim-h')}>Carrier claim</h3>
          {hidden}
          <ReasonField id={id('claim-reason')} parcel={parcel} />
          <div className="field">
            <label htmlFor={id('claim-carrier')}>Carrier</label>
            <input id={id('claim-carrier')} name="carrier" defaultValue={parcel.carrier ?? ''} required maxLength={60} />
          </div>
          <div className="field">
            <label htmlFor={id('claim-amount')}>Amount claimed</label>
            <input id={id('claim-amount')} name="amount" inputMode="decimal" defaultValue={value} required pattern="\d+(\.\d{1,2})?" />
          </div>
          <div className="field">
            <label htmlFor={id('claim-note')}>Claim number or note</label>
            <input id={id('claim-note')} name="note" maxLength={500} />
          </div>
          <button type="submit">Open the claim</button>
        </form>
      )}
      {settled && parcel.done.includes('claim') && <p className="small">Reshipped or refunded, and claimed: nothing left to do here.</p>}
    </div>
  )
}

export function DeliverySection({ story, session, base, timeZone }: { story: DeliveryStory; session: Session; base: string; timeZone: string }) {
  if (story.parcels.length === 0 && story.actions.length === 0) return null
  return (
    <Section id="delivery" title="Delivery problems">
      {story.parcels.map((p) => (
        <div key={`${p.lineNo}-${p.trackingNumber}`} className="parcel">
          <p><strong>Line {p.lineNo}: {p.carrier ?? 'carrier'} {p.trackingNumber}</strong>{p.reason ? ` — ${p.reason}` : ''}</p>
          <ParcelForms parcel={p} session={session} base={base} />
        </div>
      ))}
      <Table caption="Delivery actions" head={['When', 'Line', 'Action', 'Parcel', 'Problem', 'Amount / supplier', 'Status', 'By']}
        rows={story.actions.map((a) => [
          whenLocal(a.createdAt, timeZone), a.lineNo, a.kind, `${a.carrier ?? ''} ${a.trackingNumber}`.trim(), PROBLEM_WORDS[a.reason] ?? a.reason,
          a.kind === 'reship' ? `${a.supplierName ?? a.supplierId}, PO ${a.poNumber}` : a.amount === null ? '—' : formatMoney(a.amount),
          a.kind === 'claim' ? (a.status === 'open' ? 'claim open' : 'claim settled') : 'done', <>{a.decidedBy}{a.note && <span className="small block">{a.note}</span>}</>,
        ])} />
    </Section>
  )
}

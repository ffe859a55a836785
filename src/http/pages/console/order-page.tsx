import type { ReactNode } from 'react'
import type { Session } from '../../../store/sessions.ts'
import type { StoreInfo } from '../render.ts'
import { ConsoleLayout, Csrf } from './layout.tsx'
import type { OrderStory } from './order-story.ts'
import { RecordChoiceForm } from './choice-form.tsx'
import { repHeadline } from '../../../domain/rep-headline.ts'
import { whenLocal } from './when.ts'
import { DeliverySection } from './delivery-section.tsx'
import type { TaskLite } from './order-story.ts'
import { hasOffer } from '../../../choices/line-offers.ts'

export interface ConsoleOrderProps {
  store: StoreInfo
  session: Session
  timeZone: string
  story: OrderStory
  flash: { kind: 'ok' | 'error'; text: string } | null
  /** Extra sections (the delay-notice record, choices) rendered by their owners. */
  extra?: ReactNode
}

/** A table with a caption, header row and rows; "none" when empty. */
export function Table({ caption, head, rows }: { caption: string; head: string[]; rows: ReactNode[][] }) {
  if (rows.length === 0) return <p className="empty">None.</p>
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="grid">
        <caption className="sr-only">{caption}</caption>
        <thead><tr>{head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>{rows.map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>)}</tbody>
      </table>
    </div>
  )
}

export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-h`} className="panel" id={id}>
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
    </section>
  )
}

/** Open, or closed when and by whom — a rep, or wismo itself with the reason ("the customer chose to wait"). */
function TaskStatus({ task, when }: { task: TaskLite; when: (s: string | null) => string }) {
  if (task.status === 'open') return <>open</>
  const by = !task.closedBy || task.closedBy === 'system' ? 'wismo' : task.closedBy.replace(/^rep:/, '')
  return <>closed {when(task.closedAt)} by {by}{task.closeNote && <span className="small block">{task.closeNote}</span>}</>
}

/** `GET /console/orders/{number}`: one order's whole story, and the rep's actions on it. */
export function ConsoleOrderPage(p: ConsoleOrderProps) {
  const { story, session } = p
  const v = story.view
  // Every time in the store's zone, named ("Dec 7, 2026, 3:05 PM EST").
  const when = (s: string | null) => whenLocal(s, p.timeZone)
  const base = `/console/orders/${encodeURIComponent(v.orderNumber)}`
  return (
    <ConsoleLayout store={p.store} title={`Order ${v.orderNumber}`} session={session} section="order">
      <h1>Order {v.orderNumber} <span className={`badge s-${v.state}`}>{v.state.replace(/_/g, ' ')}</span></h1>
      <p className="customer">
        {v.customerName ?? 'Customer'} · {v.customerEmail ? <a href={`mailto:${v.customerEmail}`}>{v.customerEmail}</a> : 'no email'} ·{' '}
        {story.customerPhone ? <a href={`tel:${story.customerPhone.replace(/[^\d+]/g, '')}`}>{story.customerPhone}</a> : 'no phone'} ·
        postal code {story.postalCode ?? '—'} · placed {when(v.placedAt)}
      </p>
      <p className="headline">{repHeadline(v)}</p>
      <div role="status">{p.flash && <p className={`notice ${p.flash.kind}`}>{p.flash.text}</p>}</div>

      <Section id="lines" title="Lines">
        <Table caption="Lines" head={['Line', 'Item', 'State', 'Supplier', 'PO', 'Promised ship', 'Supplier ship date', 'ETA', 'Tracking']}
          rows={v.lines.map((l) => [
            l.lineNo, <>{l.name}<span className="small block">{l.sku} × {l.qty}</span></>,
            <>{l.state.replace(/_/g, ' ')}<span className="small block">{Object.entries(l.quantities).map(([s, n]) => `${n} ${s}`).join(', ')}</span></>,
            l.supplierName ?? l.supplierId ?? '—', l.poNumber ? `${l.poNumber}/${l.poLine}` : '—', l.promisedShipDate, l.expectedShipDate ?? '—',
            l.eta ? `${l.eta.earliest} – ${l.eta.latest} (${l.eta.source})` : 'unknown',
            l.tracking.map((t) => <span key={t.number} className="block">{t.url ? <a href={t.url}>{t.carrier} {t.number}</a> : `${t.carrier ?? ''} ${t.number}`} ({t.status})</span>),
          ])} />
        {v.lines.filter((l) => hasOffer(story.offers.get(l.lineNo))).map((l) => (
          <RecordChoiceForm key={l.lineNo} action={`${base}/lines/${l.lineNo}/choice`} session={session} line={l} offer={story.offers.get(l.lineNo)!} />
        ))}
      </Section>

      <DeliverySection story={story.delivery} session={session} base={base} timeZone={p.timeZone} />

      <Section id="signals" title="Supplier signals as received">
        <Table caption="Supplier signals" head={['Received', 'Line', 'PO', 'Status', 'Qty', 'Ship date', 'Code', 'Source', 'Raw message']}
          rows={story.signals.map((s) => [
            when(s.receivedAt), s.lineNo ?? '—', `${s.poNumber ?? ''}/${s.poLine ?? ''}`, s.status, s.qty ?? '—', s.expectedShipDate ?? '—', s.rawCode ?? '—', s.source,
            <a href={`/console/inbound/${s.messageId}`}>{s.filename ?? `message ${s.messageId}`}<span className="sr-only"> (raw file)</span></a>,
          ])} />
      </Section>

      <Section id="scans" title="Carrier scans">
        <Table caption="Carrier scans" head={['When', 'Line', 'Tracking', 'Status', 'Where', 'Message']}
          rows={story.scans.map((s) => [when(s.occurredAt), s.lineNo, s.trackingNumber, s.status, s.location ?? '—', s.message ?? '—'])} />
      </Section>

      <Section id="history" title="State history">
        <Table caption="State history" head={['When', 'Line', 'State', 'ETA', 'Cause']}
          rows={story.history.map((h) => [when(h.changedAt), h.lineNo, h.state, h.etaLatest ? `${h.etaLatest} (${h.etaSource})` : '—', h.cause ?? '—'])} />
      </Section>

      <Section id="messages" title="Messages sent">
        <Table caption="Messages" head={['Queued', 'Channel', 'To', 'Trigger', 'Subject', 'Delivery', 'Sent', '']}
          rows={story.messages.map((m) => [
            when(m.createdAt), m.channel, m.recipient, m.trigger, m.subject ?? '—',
            <>{m.status}{m.attempts > 0 ? ` (${m.attempts} attempt${m.attempts === 1 ? '' : 's'})` : ''}{m.error && <span className="small block">{m.error}</span>}</>,
            when(m.sentAt),
            <form method="post" action={`${base}/messages/${m.id}/resend`}><Csrf session={session} /><button type="submit" className="small-btn">Resend<span className="sr-only"> message {m.id}</span></button></form>,
          ])} />
      </Section>

      <Section id="choices" title="Choices">
        <Table caption="Choices" head={['When', 'Line', 'Choice', 'Item', 'Qty', 'Price difference', 'By', 'Channel']}
          rows={story.choices.map((c) => [
            when(c.decidedAt.toISOString()), c.lineNo, c.choice, c.choice === 'switch' ? `${c.fromSku} → ${c.sku}` : c.fromSku, c.qty,
            c.priceDelta === null ? '—' : c.priceDelta.toFixed(2), c.decidedBy, c.channel,
          ])} />
      </Section>

      <Section id="purchasing" title="Purchasing documents">
        <Table caption="Purchasing documents" head={['Sent', 'Document', 'Supplier', 'PO', 'Control', "Supplier's answer (997)"]}
          rows={story.documents.map((d) => [
            when(d.createdAt), d.kind === '850' ? '850 purchase order' : '860 change (line deleted)', d.supplierId ?? '—', `${d.poNumber}/${d.poLine}`, d.controlNumber,
            d.acknowledgment
              ? <>{d.acknowledgment.status} {when(d.acknowledgment.receivedAt)}{d.acknowledgment.detail && <span className="small block">{d.acknowledgment.detail}</span>}</>
              : 'no answer yet',
          ])} />
      </Section>

      {p.extra}

      <Section id="tasks" title="Tasks">
        <Table caption="Tasks" head={['Opened', 'Kind', 'Task', 'Line', 'Assigned', 'Status', '']}
          rows={story.tasks.map((t) => [
            when(t.createdAt), t.kind.replace(/_/g, ' '), <>{t.title}{t.detail && <span className="small block">{t.detail}</span>}</>, t.lineNo ?? '—',
            t.assignedTo ?? '—', <TaskStatus task={t} when={when} />,
            t.status === 'open' ? <form method="post" action={`/console/tasks/${t.taskId}/close`}><Csrf session={session} /><input type="hidden" name="back" value={base} /><button type="submit" className="small-btn">Close<span className="sr-only"> task {t.taskId}</span></button></form> : '',
          ])} />
      </Section>

      <Section id="notes" title="Notes">
        <ul className="notes">{story.notes.map((n) => <li key={n.noteId}><p>{n.body}</p><span className="small">{n.author} · {when(n.createdAt)}</span></li>)}</ul>
        <form method="post" action={`${base}/notes`} className="note-form">
          <Csrf session={session} />
          <div className="field">
            <label htmlFor="note">Note</label>
            <textarea id="note" name="body" required maxLength={4000} rows={3} />
          </div>
          <button type="submit">Add note</button>
        </form>
      </Section>

      <Section id="audit" title="Audit log">
        <Table caption="Audit log" head={['When', 'Who', 'What', 'Detail']}
          rows={story.audit.map((a) => [when(a.at), a.actor, a.action, Object.entries(a.detail).map(([k, val]) => `${k}: ${typeof val === 'string' ? val : JSON.stringify(val)}`).join('; ') || '—'])} />
      </Section>
    </ConsoleLayout>
  )
}

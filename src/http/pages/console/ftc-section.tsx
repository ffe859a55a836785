/** The delay-notice record (FTC Mail Order Rule) on the console's order page, line by line. */
import type { FtcRecord } from '../../../store/ftc-record.ts'
import { Section, Table } from './order-page.tsx'
import { whenLocal } from './when.ts'

/** Times in the store's zone, named (`timeZone`); days (the applicable date, refund due) stay days. */
export function FtcSection({ record, timeZone }: { record: FtcRecord | null; timeZone: string }) {
  const lines = record?.lines ?? []
  const at = (t: string | Date | null | undefined) => whenLocal(t, timeZone)
  const rows = lines.flatMap((l) => [
    ...l.notices.map((n) => [
      `Line ${l.lineNo}`, `${n.kind} notice by ${n.channel ?? 'no channel'}${n.complete ? '' : ' (a pointer, not the notice)'}`,
      n.sentAt ? at(n.sentAt) : `not sent (${n.status ?? 'queued'})`, n.revisedDate ?? 'date unknown',
      `${n.silenceMeans}${n.cancelOn ? ` (deadline ${n.cancelOn})` : ''}; ${n.reached ? 'reached the customer' : 'did not reach the customer'}${n.messageId ? `; message ${n.messageId}` : ''}`,
    ]),
    ...l.answers.map((a) => [`Line ${l.lineNo}`, a.choice === 'switch' ? `answer: switch ${a.fromSku} → ${a.sku}` : `answer: ${a.choice}`, at(a.at), a.decidedBy, a.channel ?? '']),
    ...(l.cancellation ? [[`Line ${l.lineNo}`, `cancelled (${l.cancellation.reason})`, at(l.cancellation.at), `refund due ${l.cancellation.refundDue}`, `${l.cancellation.qty} unit(s)`]] : []),
    ...l.refunds.map((f) => [`Line ${l.lineNo}`, `refund (${f.reason})`, at(f.at), `due ${f.dueBy}`,
      `${f.amount.toFixed(2)} for ${f.qty} unit(s): tax ${f.tax.toFixed(2)}, shipping ${f.shipping.toFixed(2)}`]),
  ])
  const applicable = lines.map((l) => `line ${l.lineNo}: ${l.applicableDate} (${l.applicableBasis})${l.shippedOn ? `, shipped ${l.shippedOn}` : ''}`).join('; ')
  return (
    <Section id="ftc" title="Delay-notice record">
      <p>Applicable time: {applicable || 'none'}</p>
      <Table caption="Delay-notice record" head={['Line', 'What', 'When', 'Date / by', 'Terms']} rows={rows} />
    </Section>
  )
}

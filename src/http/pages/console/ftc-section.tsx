/** The delay-notice record (FTC Mail Order Rule) on the console's order page, line by line. */
import type { FtcRecord } from '../../../store/ftc-record.ts'
import { Section, Table } from './order-page.tsx'

export function FtcSection({ record }: { record: FtcRecord | null }) {
  const lines = record?.lines ?? []
  const rows = lines.flatMap((l) => [
    ...l.notices.map((n) => [
      `Line ${l.lineNo}`, `${n.kind} notice`, n.sentAt ?? `not sent (${n.status ?? 'queued'})`, n.revisedDate ?? 'date unknown', n.silenceMeans,
    ]),
    ...l.answers.map((a) => [`Line ${l.lineNo}`, a.choice === 'switch' ? `answer: switch ${a.fromSku} → ${a.sku}` : `answer: ${a.choice}`, a.at, a.decidedBy, a.channel ?? '']),
    ...(l.cancellation ? [[`Line ${l.lineNo}`, `cancelled (${l.cancellation.reason})`, l.cancellation.at, `refund due ${l.cancellation.refundDue}`, `${l.cancellation.qty} unit(s)`]] : []),
  ])
  const applicable = lines.map((l) => `line ${l.lineNo}: ${l.applicableDate}${l.shippedAt ? `, shipped ${l.shippedAt.slice(0, 10)}` : ''}`).join('; ')
  return (
    <Section id="ftc" title="Delay-notice record">
      <p>Applicable time (promised ship date): {applicable || 'none'}</p>
      <Table caption="Delay-notice record" head={['Line', 'What', 'When', 'Date / by', 'Terms']} rows={rows} />
    </Section>
  )
}

/**
 * A supplier's 997/999 recorded on the 850/860 it answers: wismo sends each document in its own
 * interchange with one group (GS06 = the document's control number) holding one set (ST02 0001),
 * so AK1 (functional id PO → 850, PC → 860; group control number) names the document, and the
 * AK5 of that set (else the group's AK9) says whether the supplier took it. Only the supplier the
 * document went to can answer it. A rejection opens a rep task (the supplier will not act on the
 * PO as sent); a later acceptance closes it. An acknowledgment that matches nothing changes
 * nothing and says so: it is recorded, never an error.
 */
import type { Queryable } from '../../store/db.ts'
import { closeTask, openTask } from '../../store/tasks.ts'
import { lookup } from './elements.ts'
import { ACK_STATUS, describeGroupCode, describeSetCode } from './codes-997.ts'
import { SENT_DOCUMENTS } from './functional-groups.ts'
import type { AckReceived, AckedSet } from './types.ts'

/** Counts over every acknowledgment of one file. */
export interface AckTotals {
  received: number
  unmatched: number
}

export const emptyAckTotals = (): AckTotals => ({ received: 0, unmatched: 0 })

interface DocumentRow {
  document_id: number
  kind: '850' | '860'
  supplier_id: string
  po_number: string
  po_line: string
  order_line_id: number | null
  order_id: number | null
}

/** wismo's documents are the only set of their group, always ST02 0001. */
const isOurSet = (kind: string) => (s: AckedSet) => s.setId === kind && /^0*1$/.test(s.control)

/** What the partner said about our set (or the group), in words: "rejected (R): one or more segments in error (5); segment …". */
function verdict(ack: AckReceived, kind: string): { accepted: boolean; detail: string } {
  const set = ack.sets.find(isOurSet(kind))
  const status = set?.status ?? ack.groupStatus
  const meaning = lookup(ACK_STATUS, status)!
  const codes = set ? set.codes.map(describeSetCode) : ack.groupCodes.map(describeGroupCode)
  const where = set ? `${ack.setId} AK5` : `${ack.setId} AK9 (the group)`
  const parts = [`${meaning.text} (${where} ${status})`, ...codes, ...(set?.errors ?? [])]
  return { accepted: meaning.accepted, detail: parts.join('; ') }
}

async function findDocument(tx: Queryable, ack: AckReceived, supplierId: string): Promise<DocumentRow | null> {
  const kind = lookup(SENT_DOCUMENTS, ack.functionalId)
  if (!kind) return null
  const [doc] = await tx.query<DocumentRow>(
    `SELECT d.document_id, d.kind, d.supplier_id, d.po_number, d.po_line, d.order_line_id, l.order_id
       FROM purchasing_documents d LEFT JOIN order_lines l ON l.order_line_id = d.order_line_id
      WHERE d.control_number = $1 AND d.kind = $2 AND d.supplier_id = $3`,
    [Number(ack.groupControl), kind, supplierId],
  )
  return doc ?? null
}

async function record(tx: Queryable, doc: DocumentRow, v: { accepted: boolean; detail: string }, messageId: number, at: Date): Promise<boolean> {
  await tx.query(
    `UPDATE purchasing_documents SET ack_status = $2, ack_detail = $3, ack_message_id = $4, acked_at = $5 WHERE document_id = $1`,
    [doc.document_id, v.accepted ? 'accepted' : 'rejected', v.detail, messageId, at],
  )
  const dedupeKey = `purchasing_rejected:${doc.document_id}`
  if (v.accepted) {
    await closeTask(tx, dedupeKey, at)
    return false
  }
  return openTask(tx, {
    kind: 'purchasing_rejected', dedupeKey, now: at,
    title: `${doc.supplier_id} rejected the ${doc.kind} for PO ${doc.po_number} line ${doc.po_line}`,
    detail: `${v.detail} (message ${messageId})`,
    orderId: doc.order_id, orderLineId: doc.order_line_id, supplierId: doc.supplier_id,
  })
}

/** Records each acknowledgment on the document it answers; one summary line each. */
export async function applyReceivedAcks(
  tx: Queryable, messageId: number, supplierId: string | null, acks: AckReceived[], at: Date, totals: AckTotals,
): Promise<string[]> {
  const lines: string[] = []
  for (const ack of acks) {
    totals.received++
    const what = `${ack.setId} for group ${ack.functionalId} ${ack.groupControl}`
    const doc = supplierId ? await findDocument(tx, ack, supplierId) : null
    if (!doc) {
      totals.unmatched++
      const sent = supplierId ? `wismo sent ${supplierId}` : 'wismo sent (the sender is not a known supplier)'
      lines.push(`${what}: matches no purchasing document ${sent}; recorded, nothing changed`)
      continue
    }
    const v = verdict(ack, doc.kind)
    const task = await record(tx, doc, v, messageId, at)
    const named = `${doc.kind} for PO ${doc.po_number} line ${doc.po_line} (control ${ack.groupControl})`
    lines.push(`${what}: ${named} ${v.detail}${v.accepted ? '' : task ? '; a rep task is open' : '; its rep task is already open'}`)
  }
  return lines
}

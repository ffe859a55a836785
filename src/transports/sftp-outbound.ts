/**
 * wismo's documents for one supplier put in its outbound folder, each once: the X12 850/860 in
 * purchasing_documents and the 997s answering its interchanges, made since the transport was set.
 *
 * Each document goes up in four steps, so a retry after any failure or stop sends it at most once:
 * 1. put `<final>.part` and check its size (some servers answer a full disk in a way the client
 *    library takes as success — the size check catches it);
 * 2. record the intent (transport_sent, sent_at NULL);
 * 3. rename `<final>.part` to `<final>`;
 * 4. mark it sent.
 * On a retry, a recorded intent whose `.part` is still there was stopped before the rename (do
 * it now); one whose `.part` is gone was renamed (the final file may already be collected by the
 * VAN), so it is only marked sent. Without an intent, a final name already present is sent.
 */
import path from 'node:path'
import type SftpClient from 'ssh2-sftp-client'
import type { Queryable } from '../store/db.ts'
import type { SupplierTransport } from './transport-store.ts'

export interface OutboundDocument {
  /** `850:<document_id>`, `860:<document_id>`, `997:<ack_id>`. */
  key: string
  name: string
  body: string
}

const safe = (s: string) => s.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '_').slice(0, 80) || '_'
const pad = (n: number) => String(n).padStart(9, '0')

/** The supplier's documents not yet marked sent on this transport, oldest first. */
export async function pendingDocuments(db: Queryable, t: SupplierTransport): Promise<(OutboundDocument & { intent: boolean })[]> {
  const docs = await db.query<{ document_id: number; kind: string; po_number: string; control_number: number; x12: string }>(
    `SELECT document_id, kind, po_number, control_number, x12 FROM purchasing_documents
      WHERE supplier_id = $1 AND created_at >= $2 ORDER BY document_id`,
    [t.supplierId, t.createdAt],
  )
  const acks = await db.query<{ ack_id: number; body: string }>(
    `SELECT ack_id, body FROM acknowledgments a
      WHERE (a.supplier_id = $1 OR a.message_id IN (SELECT message_id FROM transport_files WHERE transport_id = $2)) AND a.created_at >= $3
      ORDER BY ack_id`,
    [t.supplierId, t.transportId, t.createdAt],
  )
  const all: OutboundDocument[] = [
    ...acks.map((a) => ({ key: `997:${a.ack_id}`, name: `997-${pad(Number(a.ack_id))}.x12`, body: a.body })),
    ...docs.map((d) => ({ key: `${d.kind}:${d.document_id}`, name: `${d.kind}-${safe(d.po_number)}-${pad(d.control_number)}.x12`, body: d.x12 })),
  ]
  const sent = await db.query<{ document_key: string; sent_at: Date | null }>(
    'SELECT document_key, sent_at FROM transport_sent WHERE transport_id = $1', [t.transportId],
  )
  const state = new Map(sent.map((r) => [r.document_key, r.sent_at]))
  return all.filter((d) => !state.get(d.key)).map((d) => ({ ...d, intent: state.has(d.key) }))
}

/** Step 1: the body under its temporary name, checked by size. */
export async function putTemporary(client: SftpClient, dir: string, doc: OutboundDocument): Promise<void> {
  const tmp = path.posix.join(dir, `${doc.name}.part`)
  const body = Buffer.from(doc.body, 'utf8')
  await client.put(body, tmp)
  const st = await client.stat(tmp)
  if (st.size !== body.length) {
    await client.delete(tmp, true).catch(() => {})
    throw new Error(`${tmp}: the server kept ${st.size} of ${body.length} bytes (outbound folder full?)`)
  }
}

/** Step 2: the intent, recorded before the final name appears. */
export async function recordIntent(db: Queryable, t: SupplierTransport, doc: OutboundDocument, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO transport_sent (transport_id, document_key, remote_name, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [t.transportId, doc.key, doc.name, now],
  )
}

/** Step 3: the temporary file renamed to the final name (a final file already there is the same document). */
export async function promote(client: SftpClient, dir: string, doc: OutboundDocument): Promise<void> {
  const final = path.posix.join(dir, doc.name)
  const tmp = `${final}.part`
  if (await client.exists(final)) await client.delete(tmp, true)
  else await client.rename(tmp, final)
}

/** Step 4. */
export async function markSent(db: Queryable, t: SupplierTransport, doc: OutboundDocument, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO transport_sent (transport_id, document_key, remote_name, started_at, sent_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (transport_id, document_key) DO UPDATE SET sent_at = coalesce(transport_sent.sent_at, excluded.sent_at)`,
    [t.transportId, doc.key, doc.name, now],
  )
}

/**
 * Sends every pending document; the first failure (a full folder, a dropped line) stops the round
 * and is thrown: what was not marked sent goes next poll.
 */
export async function sendOutbound(db: Queryable, client: SftpClient, t: SupplierTransport, dir: string, now: Date, log: (s: string) => void): Promise<string[]> {
  const sent: string[] = []
  for (const doc of await pendingDocuments(db, t)) {
    const final = path.posix.join(dir, doc.name)
    if (doc.intent) {
      if (await client.exists(`${final}.part`)) await promote(client, dir, doc)
    } else if (!(await client.exists(final))) {
      await putTemporary(client, dir, doc)
      await recordIntent(db, t, doc, now)
      await promote(client, dir, doc)
    }
    await markSent(db, t, doc, now)
    sent.push(doc.name)
    log(`sftp ${t.supplierId}: sent ${doc.name}`)
  }
  return sent
}

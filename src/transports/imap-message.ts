/**
 * One email taken in: its feed attachments ingested as the supplier whose address sent it, or the
 * whole message kept for a rep (stored raw, quarantined with the reason, a task opened). Each part
 * is taken once (transport_files), so a poll that stopped before the message was moved takes it
 * again without doubling anything. Moving the message is the caller's step (imap.ts).
 */
import type { ImapFlow } from 'imapflow'
import type { Db } from '../store/db.ts'
import { markQuarantined, sha256, storeInbound } from '../store/inbound.ts'
import { openTask } from '../store/tasks.ts'
import { ingestSupplierFeed } from '../feeds/ingest-file.ts'
import { takeOnce, type ImapTransport } from './imap-store.ts'
import { attachmentsOf, feedTypeOf, ingestName, type AttachmentPart } from './imap-parts.ts'

/** An attachment larger than this (as sent, encoded) is not downloaded: the message is kept for a rep. */
export const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024

export interface TakenFile {
  filename: string
  messageId: number
  outcome: string
  reason?: string
}

export type MessageOutcome =
  | { uid: number; from: string | null; outcome: 'done'; supplierId: string; files: TakenFile[] }
  | { uid: number; from: string | null; outcome: 'held'; supplierId: string | null; files: TakenFile[]; reason: string; messageId: number }

export interface MessageContext {
  db: Db
  client: ImapFlow
  transport: ImapTransport
  /** Names this message among all the mailbox has held: folder, UIDVALIDITY and UID. */
  prefix: string
  now: Date
}

/** The supplier an address belongs to: the mailbox's own list of senders first, then suppliers.email. */
export async function supplierForSender(db: Db, transport: ImapTransport, address: string | null): Promise<string | null> {
  if (!address) return null
  const listed = Object.entries(transport.settings.senders).find(([a]) => a.toLowerCase() === address)
  if (listed) return listed[1]
  const rows = await db.query<{ supplier_id: string }>(`SELECT supplier_id FROM suppliers WHERE lower(email) = $1 ORDER BY supplier_id LIMIT 2`, [address])
  // Two suppliers sharing one address: which one sent it is a rep's call.
  return rows.length === 1 ? rows[0].supplier_id : null
}

async function download(client: ImapFlow, uid: number, part: string): Promise<Buffer> {
  const { content } = await client.download(String(uid), part, { uid: true })
  if (!content) throw new Error(`message ${uid}: part ${part} is gone from the server`)
  const chunks: Buffer[] = []
  for await (const chunk of content as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** Ingests one feed attachment once; its outcome as ingest (or an earlier poll) left it. */
async function takeAttachment(ctx: MessageContext, uid: number, a: AttachmentPart, body: Buffer, supplierId: string, filename: string): Promise<TakenFile> {
  const key = { remoteName: `${ctx.prefix}/${a.part}/${filename}`, size: body.length, sha256: sha256(body) }
  const { messageId } = await takeOnce(ctx.db, ctx.transport.transportId, key, ctx.now, async () => {
    const r = await ingestSupplierFeed(ctx.db, { body, filename, supplierId, source: `email:${ctx.transport.transportId}`, receivedAt: ctx.now })
    return r.messageId
  })
  const [m] = await ctx.db.query<{ status: string; error: string | null }>(`SELECT status, error FROM inbound_messages WHERE message_id = $1`, [messageId])
  return { filename, messageId, outcome: m?.status ?? 'unknown', ...(m?.status === 'quarantined' ? { reason: m.error ?? 'quarantined' } : {}) }
}

/** Takes in message `uid` of the open folder; the caller then moves it to the done or held folder. */
export async function takeMessage(ctx: MessageContext, uid: number): Promise<MessageOutcome> {
  const msg = await ctx.client.fetchOne(String(uid), { uid: true, envelope: true, bodyStructure: true }, { uid: true })
  if (!msg) throw new Error(`message ${uid} is gone from the server`)
  const from = msg.envelope?.from?.[0]?.address?.trim().toLowerCase() || null
  const supplierId = await supplierForSender(ctx.db, ctx.transport, from)
  const hold = (reason: string, files: TakenFile[] = []) => holdMessage(ctx, uid, { from, supplierId, reason, files, subject: msg.envelope?.subject ?? '' })
  if (!supplierId) return hold(from ? `unknown sender ${from}: no supplier has this address` : 'no sender address')
  const files: TakenFile[] = []
  const ignored: string[] = []
  const tooLarge: string[] = []
  for (const a of attachmentsOf(msg.bodyStructure)) {
    // Sizes are of the encoded part (base64 is a third larger than the file): generous on purpose.
    if (a.size > MAX_ATTACHMENT_BYTES) {
      tooLarge.push(`${a.filename} (${Math.round(a.size / 1048576)} MB encoded; at most ${MAX_ATTACHMENT_BYTES / 1048576} MB are taken from email)`)
      continue
    }
    const body = await download(ctx.client, uid, a.part)
    const type = feedTypeOf(a, body)
    if (!type) {
      ignored.push(`${a.filename} (${a.contentType})`)
      continue
    }
    files.push(await takeAttachment(ctx, uid, a, body, supplierId, ingestName(a, type)))
  }
  if (tooLarge.length > 0) return hold(`attachment too large: ${tooLarge.join(', ')}`, files)
  if (files.length === 0) {
    return hold(ignored.length > 0 ? `no CSV, XLSX or X12 attachment (only ${ignored.join(', ')})` : 'no attachment', files)
  }
  const bad = files.filter((f) => f.outcome === 'quarantined')
  if (bad.length > 0) return hold(`unreadable attachment: ${bad.map((f) => `${f.filename}: ${f.reason}`).join(' | ')}`, files)
  return { uid, from, outcome: 'done', supplierId, files }
}

/** The raw message stored (once) and quarantined with the reason, and a task for a rep. */
async function holdMessage(
  ctx: MessageContext,
  uid: number,
  m: { from: string | null; supplierId: string | null; reason: string; files: TakenFile[]; subject: string },
): Promise<MessageOutcome> {
  const raw = await ctx.client.fetchOne(String(uid), { uid: true, source: true }, { uid: true })
  if (!raw || !raw.source) throw new Error(`message ${uid}: its source could not be read`)
  const key = { remoteName: ctx.prefix, size: raw.source.length, sha256: sha256(raw.source) }
  const { messageId } = await takeOnce(ctx.db, ctx.transport.transportId, key, ctx.now, async () => {
    const stored = await storeInbound(ctx.db, {
      kind: 'email', source: `email:${ctx.transport.transportId}`, supplierId: m.supplierId, filename: `${ctx.prefix.replace(/[/:]/g, '-')}.eml`, body: raw.source!, receivedAt: ctx.now,
    })
    await markQuarantined(ctx.db, stored.messageId, m.reason)
    return stored.messageId
  })
  const sender = m.from ?? 'an unknown sender'
  await openTask(ctx.db, {
    kind: 'email_held',
    dedupeKey: `email_held:${ctx.transport.transportId}:${key.sha256}`,
    title: `Email from ${sender} kept for a rep: ${m.reason}`.slice(0, 500),
    detail: `Subject: ${m.subject || '(none)'}\nStored as inbound message ${messageId} (wismo feeds); moved to the mailbox folder ${ctx.transport.settings.keepInInbox ? '(left in place, flagged seen)' : ctx.transport.settings.heldFolder}.`,
    supplierId: m.supplierId,
    now: ctx.now,
  })
  return { uid, from: m.from, outcome: 'held', supplierId: m.supplierId, files: m.files, reason: m.reason, messageId }
}

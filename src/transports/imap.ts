/**
 * Email from suppliers: an IMAP mailbox polled with imapflow. Each message's CSV, XLSX and X12
 * attachments are ingested as the supplier whose address sent it (imap-message.ts); the message
 * is then flagged \Seen and moved to the done folder. Unknown senders, messages without a feed
 * attachment and unreadable attachments are kept for a rep and moved to the held folder. A
 * failed poll (server away, refused login) is counted on the mailbox and retried with backoff;
 * nothing is moved until it was taken in, so nothing is lost.
 */
import { ImapFlow } from 'imapflow'
import type { Db } from '../store/db.ts'
import { DomainError } from '../domain/errors.ts'
import { openCredentials } from '../connect/credentials.ts'
import { crashPoint } from '../util/crash-point.ts'
import { claimDueMailboxes, markArchived, normalizeMailboxUrl, recordPollFailure, recordPollSuccess, type ImapTransport } from './imap-store.ts'
import { takeMessage, type MessageOutcome } from './imap-message.ts'

export interface PollOptions {
  now: Date
  /** The signing secret the password was sealed under. */
  secret: string
  log?: (s: string) => void
  /** At most this many messages per poll; the rest wait for the next one. */
  limit?: number
}

export type PollResult =
  | { transportId: number; ok: true; messages: MessageOutcome[]; left: number }
  | { transportId: number; ok: false; error: string; failures: number; messages: MessageOutcome[] }

/** Where to connect, from the mailbox's URL (imaps: TLS, port 993; imap: plain, port 143) and its sealed password. */
export function connectionFor(transport: ImapTransport, secret: string): { client: ImapFlow; folder: string } {
  const url = normalizeMailboxUrl(transport.url)
  if (!transport.credentials) throw new DomainError('TRANSPORT_NO_PASSWORD', `mailbox ${transport.url} has no password: run wismo mailbox set again with --password-stdin`)
  const { password } = openCredentials<{ password: string }>(transport.credentials, secret, `mailbox ${transport.url}`)
  const secure = url.protocol === 'imaps:'
  const client = new ImapFlow({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    auth: { user: decodeURIComponent(url.username), pass: password },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
    disableAutoIdle: true,
  })
  const folder = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX'
  return { client, folder }
}

async function ensureFolder(client: ImapFlow, folder: string): Promise<void> {
  const exists = (await client.list()).some((m) => m.path === folder)
  if (!exists) await client.mailboxCreate(folder)
}

/**
 * Polls one mailbox now: every message still in its folder (with keepInInbox: every unseen one),
 * oldest first. Health columns are updated either way; the result says what each message became.
 */
export async function pollMailbox(db: Db, transport: ImapTransport, opts: PollOptions): Promise<PollResult> {
  const log = opts.log ?? (() => {})
  const messages: MessageOutcome[] = []
  const messageErrors: string[] = []
  let client: ImapFlow | null = null
  try {
    const conn = connectionFor(transport, opts.secret)
    client = conn.client
    // imapflow reports a dropped socket as an 'error' event as well as a rejected call: the call is what counts here.
    client.on('error', (err: Error) => log(`mailbox ${transport.url}: ${err.message}`))
    await client.connect()
    const { settings } = transport
    if (!settings.keepInInbox) {
      await ensureFolder(client, settings.doneFolder)
      await ensureFolder(client, settings.heldFolder)
    }
    const lock = await client.getMailboxLock(conn.folder)
    let left = 0
    try {
      const mailbox = client.mailbox
      const validity = mailbox ? String(mailbox.uidValidity) : '0'
      const found = (await client.search(settings.keepInInbox ? { seen: false } : { deleted: false }, { uid: true })) || []
      const uids = [...found].sort((a, b) => a - b)
      const batch = uids.slice(0, opts.limit ?? 200)
      left = uids.length - batch.length
      for (const uid of batch) {
        const prefix = `${conn.folder}:${validity}:${uid}`
        try {
          const outcome = await takeMessage({ db, client, transport, prefix, now: opts.now }, uid)
          crashPoint('imap.move')
          await finishMessage(client, transport, uid, outcome.outcome === 'done' ? settings.doneFolder : settings.heldFolder)
          await markArchived(db, transport.transportId, prefix, opts.now)
          log(`mailbox ${transport.url}: message ${uid} from ${outcome.from ?? '?'}: ${outcome.outcome}${outcome.outcome === 'held' ? ` (${outcome.reason})` : ''}`)
          messages.push(outcome)
        } catch (err) {
          // The connection gone: the poll fails. Anything else (the database, a bug) fails this
          // message only: it stays in the folder for the next poll, and the others go on.
          if (!client.usable) throw err
          messageErrors.push(`message ${uid}: ${describe(err)}`)
        }
      }
    } finally {
      lock.release()
    }
    await client.logout().catch(() => {})
    if (messageErrors.length > 0) throw new Error(messageErrors.join('; '))
    await recordPollSuccess(db, transport, opts.now, messages.some((m) => m.files.length > 0))
    return { transportId: transport.transportId, ok: true, messages, left }
  } catch (err) {
    client?.close()
    const error = describe(err)
    const failures = await recordPollFailure(db, transport, opts.now, error)
    log(`mailbox ${transport.url}: poll failed (${failures} in a row): ${error}`)
    return { transportId: transport.transportId, ok: false, error, failures, messages }
  }
}

/** Flagged \Seen, then moved (unless the mailbox keeps messages where they are). */
export async function finishMessage(client: ImapFlow, transport: ImapTransport, uid: number, folder: string): Promise<void> {
  await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true })
  if (!transport.settings.keepInInbox) await client.messageMove(String(uid), folder, { uid: true })
}

function describe(err: unknown): string {
  const e = err as Error & { responseText?: string; code?: string; authenticationFailed?: boolean }
  if (e.authenticationFailed) return `login refused: ${e.responseText ?? e.message}`
  const detail = e.responseText && e.responseText !== e.message ? `: ${e.responseText}` : ''
  return `${e.code ? `${e.code} ` : ''}${e.message}${detail}`
}

/** One round of the recurring job: every mailbox that is due, claimed so that no two workers poll it at once. */
export async function pollDueMailboxes(db: Db, opts: PollOptions & { all?: boolean }): Promise<PollResult[]> {
  const results: PollResult[] = []
  for (const transport of await claimDueMailboxes(db, opts.now, { all: opts.all })) {
    results.push(await pollMailbox(db, transport, opts))
  }
  return results
}

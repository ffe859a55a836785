import fs from 'node:fs/promises'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'
import MailComposer from 'nodemailer/lib/mail-composer'
import type { Config } from '../config.ts'
import { systemClock, type Clock } from '../clock.ts'
import { DomainError } from '../domain/errors.ts'

/**
 * Who an email is from: a name and an address, which nodemailer quotes and encodes itself (a store
 * named `Smith, Jones & "Co"` stays one mailbox), or a header value as the operator wrote it
 * (`WISMO_MAIL_FROM`). Without WISMO_MAIL_FROM it is the store's name and support address (config.ts).
 */
export type MailFrom = string | MailAddress

/** A mailbox as nodemailer's address object. */
export interface MailAddress {
  name: string
  address: string
}

/** A file carried by a message (a CSV of open PO lines, say). */
export interface MailAttachment {
  filename: string
  content: string | Buffer
  contentType: string
}

/** One email as wismo means it; the transport decides how it leaves. */
export interface MailMessage {
  to: string
  from: MailFrom
  subject: string
  text: string
  html?: string
  attachments?: MailAttachment[]
  headers?: Record<string, string>
  /**
   * `<id@domain>`; give a stable one (the outbox does) so a resend after a crash carries the
   * same id and overwrites the same outbox file. A fresh one is made when absent.
   */
  messageId?: string
  /** The Date header; the clock's now when absent. */
  date?: Date
}

/** What became of a message handed to the transport. */
export interface MailReceipt {
  messageId: string
  transport: 'smtp' | 'outbox'
  /** The `.eml` file written (outbox only). */
  path?: string
}

/** The one narrow door to outgoing mail: SMTP or an outbox folder of `.eml` files. */
export interface Mailer {
  send(msg: MailMessage): Promise<MailReceipt>
  /** Closes open connections now (they also close themselves when idle). */
  close?(): Promise<void>
}

/** Options for adapters: time comes from a clock so outbox names and Date headers are reproducible. */
export interface MailerDeps {
  clock?: Clock
}

/**
 * The mailer wismo is configured for: SMTP through nodemailer when `SMTP_URL` is set (options
 * as URL query, e.g. `?ignoreTLS=true`), otherwise one `.eml` file per message in the outbox folder.
 */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'outboxDir'>, deps: MailerDeps = {}): Mailer {
  const clock = deps.clock ?? systemClock
  return config.smtpUrl ? createSmtpMailer(config.smtpUrl, clock) : createOutboxMailer(config.outboxDir, clock)
}

/** The domain of the sender's address, for Message-IDs (`localhost` when it has none). */
export function senderDomain(from: MailFrom): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec((typeof from === 'string' ? from : from.address).trim())
  return m ? m[1].toLowerCase() : 'localhost'
}

function composerOptions(msg: MailMessage, clock: Clock) {
  return {
    from: msg.from,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    headers: msg.headers,
    date: msg.date ?? clock.now(),
    messageId: msg.messageId ?? `<${randomUUID()}@${senderDomain(msg.from)}>`,
    attachments: (msg.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  }
}

/** Builds the RFC 5322 bytes of a message (MIME, attachments encoded) exactly as it would be sent. */
export async function composeEml(msg: MailMessage, clock: Clock = systemClock): Promise<{ messageId: string; raw: Buffer }> {
  const options = composerOptions(msg, clock)
  const node = new MailComposer(options).compile()
  // keepBcc is irrelevant (wismo never sends Bcc); build() gives the full message with headers.
  const raw = await node.build()
  return { messageId: options.messageId, raw }
}

/** SMTP connections kept open at most (the dispatcher's sends in flight share them). */
const SMTP_CONNECTIONS = 4
/** An idle pool is closed after this long, so `wismo sweep` run from cron exits soon after its last send. */
const SMTP_IDLE_MS = 500

function createSmtpMailer(url: string, clock: Clock): Mailer {
  // Connections are pooled and reused: a new connection per message costs a TCP and SMTP
  // handshake (about 100 ms against a local server) that a batch of notices need not pay.
  // Bounded timeouts: the outbox leases a message while it is being sent, and a hung server
  // must give up well before that lease runs out (nodemailer's socket default is 10 minutes).
  let transport: ReturnType<typeof nodemailer.createTransport> | null = null
  let inFlight = 0
  let idle: NodeJS.Timeout | null = null
  const open = () => {
    if (idle) clearTimeout(idle)
    idle = null
    transport ??= nodemailer.createTransport({
      url, pool: true, maxConnections: SMTP_CONNECTIONS, maxMessages: 500,
      connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000,
    })
    return transport
  }
  const close = () => {
    if (idle) clearTimeout(idle)
    idle = null
    transport?.close()
    transport = null
  }
  const release = () => {
    inFlight--
    if (inFlight === 0) idle = setTimeout(close, SMTP_IDLE_MS)
  }
  return {
    async send(msg) {
      const options = composerOptions(msg, clock)
      const t = open()
      inFlight++
      try {
        const info = await t.sendMail(options)
        return { messageId: info.messageId || options.messageId, transport: 'smtp' }
      } catch (err) {
        const e = err as Error & { responseCode?: number; response?: string }
        const detail = e.response ?? e.message
        throw new DomainError('MAIL_SMTP_FAILED', `SMTP refused or failed to take the message to ${msg.to}: ${detail}`, { cause: err })
      } finally {
        release()
      }
    },
    close: async () => close(),
  }
}

/** `20261120T140000123Z`: sorts like time, safe in any file system. */
function fileStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '')
}

/** The part of a Message-ID that is safe and unique in a file name. */
function fileId(messageId: string): string {
  return messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120)
}

function createOutboxMailer(dir: string, clock: Clock): Mailer {
  return {
    async send(msg) {
      const date = msg.date ?? clock.now()
      const { messageId, raw } = await composeEml({ ...msg, date }, clock)
      const file = path.join(dir, `${fileStamp(date)}-${fileId(messageId)}.eml`)
      // Write then rename: a reader never sees half a message, and a resend after a crash
      // (same id, same date) replaces the file instead of adding a second one.
      const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`
      try {
        await fs.mkdir(dir, { recursive: true })
        await fs.writeFile(tmp, raw)
        await fs.rename(tmp, file)
      } catch (err) {
        await fs.rm(tmp, { force: true }).catch(() => {})
        throw new DomainError('MAIL_OUTBOX_WRITE_FAILED', `cannot write the message to ${dir}: ${(err as Error).message}`, { cause: err })
      }
      return { messageId, transport: 'outbox', path: file }
    },
  }
}

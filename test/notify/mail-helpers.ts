import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** A message as the test SMTP server received it. */
export interface Received {
  from: string
  to: string[]
  raw: string
}

export interface TestSmtp {
  /** SMTP_URL for wismo's mailer. */
  url: string
  received: Received[]
  /** RCPT TO answers this many times with a temporary error (451) before accepting. */
  rejectRcpt: number
  /** The reply code of those refusals (default 451, temporary; 5xx is permanent). */
  rejectRcptCode: number
  close(): Promise<void>
}

/** A real SMTP server on 127.0.0.1 (random port, no TLS) that keeps every message it accepts. */
export async function startSmtp(): Promise<TestSmtp> {
  const received: Received[] = []
  const state = { rejectRcpt: 0, rejectRcptCode: 451 }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // A reverse DNS lookup of 127.0.0.1 per connection costs ~100 ms here and tests nothing.
    disableReverseLookup: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.rejectRcpt > 0) {
        state.rejectRcpt--
        const code = state.rejectRcptCode
        const err = Object.assign(new Error(code >= 500 ? 'no such mailbox' : 'mailbox busy, try later'), { responseCode: code })
        return callback(err)
      }
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  // A client that dies mid-session (the crash tests kill one) resets its connection: not a test failure.
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.server.address() as AddressInfo).port
  return {
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    received,
    get rejectRcpt() {
      return state.rejectRcpt
    },
    set rejectRcpt(n: number) {
      state.rejectRcpt = n
    },
    get rejectRcptCode() {
      return state.rejectRcptCode
    },
    set rejectRcptCode(n: number) {
      state.rejectRcptCode = n
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** One MIME part: its headers (lower-case names, unfolded) and its decoded body. */
export interface MimePart {
  headers: Record<string, string>
  body: string
  parts: MimePart[]
}

function splitHead(raw: string): { head: string; body: string } {
  const i = raw.search(/\r?\n\r?\n/)
  if (i < 0) return { head: raw, body: '' }
  const sep = raw.slice(i).match(/^\r?\n\r?\n/)![0]
  return { head: raw.slice(0, i), body: raw.slice(i + sep.length) }
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) back to text. */
function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_, kind: string, text: string) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'))
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([^:]+):\s*(.*)$/.exec(line)
    if (m) headers[m[1].toLowerCase()] = decodeWords(m[2])
  }
  return headers
}

function decode(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '7bit').toLowerCase()
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (enc === 'quoted-printable') {
    const bytes = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1')
    return bytes.toString('utf8')
  }
  return body
}

/** A small MIME reader, enough to check what a test sent: headers, multipart tree, decoded bodies. */
export function parseMime(raw: string): MimePart {
  const { head, body } = splitHead(raw)
  const headers = parseHeaders(head)
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1]
  if (!boundary || !/^multipart\//i.test(headers['content-type'] ?? '')) {
    return { headers, body: decode(body, headers['content-transfer-encoding']), parts: [] }
  }
  const chunks = body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?\\r?\\n?`))
  const parts = chunks.slice(1).filter((c) => c.trim() !== '').map((c) => parseMime(c))
  return { headers, body: '', parts }
}

/** Every leaf part, depth first. */
export function leaves(p: MimePart): MimePart[] {
  return p.parts.length === 0 ? [p] : p.parts.flatMap(leaves)
}

/** The attachment named `filename`, decoded; undefined when there is none. */
export function attachment(p: MimePart, filename: string): string | undefined {
  return leaves(p).find((l) => (l.headers['content-disposition'] ?? '').includes(`filename=${filename}`) ||
    (l.headers['content-disposition'] ?? '').includes(`filename="${filename}"`))?.body
}

/**
 * `wismo transport set SUPPLIER sftp://user@host:port/path [--key FILE] [--password-stdin] [--archive DIR] [--outbound DIR] [--every 15m]`
 * `wismo transport list [--json]`
 * `wismo transport poll [SUPPLIER]`
 * `wismo transport trust SUPPLIER`
 *
 * The password (stdin or WISMO_SFTP_PASSWORD) or the key file (passphrase: WISMO_SFTP_PASSPHRASE)
 * is sealed with the signing secret; no secret is ever printed.
 */
import fs from 'node:fs'
import { UsageError, type CliContext, type Command } from './context.ts'
import { DomainError } from '../domain/errors.ts'
import { signingSecret } from '../store/secret.ts'
import { closeTask } from '../store/tasks.ts'
import { sealCredentials } from '../connect/credentials.ts'
import { parseDuration } from '../replay/plan.ts'
import { parseSftpUrl, type SftpCredentials } from '../transports/sftp-connect.ts'
import { hostKeyTaskKey, pollSftp, type PollResult } from '../transports/sftp.ts'
import {
  DEFAULT_EVERY_SECONDS, findSftpTransport, listTransports, saveSftpTransport, trustTransport, type SupplierTransport,
} from '../transports/transport-store.ts'
import { readPassword } from './read-password.ts'

const USAGE = `usage: wismo transport set SUPPLIER sftp://user@host:port/path [--key FILE] [--password-stdin] [--archive DIR] [--outbound DIR] [--every 15m]
       wismo transport list [--json]
       wismo transport poll [SUPPLIER]
       wismo transport trust SUPPLIER`

type Flags = Record<string, string | boolean | undefined>

export const transportCommand: Command = async (ctx, { positionals, flags }) => {
  const [what, ...rest] = positionals
  if (what === 'set' && rest.length === 2) return set(ctx, rest[0], rest[1], flags)
  if (what === 'list' && rest.length === 0) return list(ctx, flags.json === true)
  if (what === 'poll' && rest.length <= 1) return poll(ctx, rest[0] ?? null)
  if (what === 'trust' && rest.length === 1) return trust(ctx, rest[0])
  throw new UsageError(USAGE)
}

function folder(flags: Flags, name: string): string | null {
  const v = flags[name]
  if (v === undefined) return null
  if (typeof v !== 'string' || !v.startsWith('/')) throw new UsageError(`--${name}: expected an absolute remote folder like /archive\n${USAGE}`)
  return v
}

function every(flags: Flags): number {
  const v = flags.every
  if (v === undefined) return DEFAULT_EVERY_SECONDS
  const ms = typeof v === 'string' ? parseDuration(v) : null
  if (ms === null) throw new UsageError(`--every: expected a duration like 15m or 1h (got ${JSON.stringify(v)})\n${USAGE}`)
  return ms / 1000
}

async function credentials(flags: Flags): Promise<SftpCredentials | null> {
  if (typeof flags.key === 'string') {
    let privateKey: string
    try {
      privateKey = fs.readFileSync(flags.key, 'utf8')
    } catch (err) {
      throw new DomainError('TRANSPORT_KEY_UNREADABLE', `--key: cannot read ${flags.key}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) throw new DomainError('TRANSPORT_KEY_INVALID', `--key: ${flags.key} is not a private key file (PEM or OpenSSH)`)
    return { privateKey, ...(process.env.WISMO_SFTP_PASSPHRASE ? { passphrase: process.env.WISMO_SFTP_PASSPHRASE } : {}) }
  }
  if (flags['password-stdin'] === true) {
    const password = await readPassword()
    if (!password) throw new DomainError('TRANSPORT_PASSWORD_EMPTY', '--password-stdin: no password on stdin')
    return { password }
  }
  if (process.env.WISMO_SFTP_PASSWORD) return { password: process.env.WISMO_SFTP_PASSWORD }
  return null
}

async function set(ctx: CliContext, supplierId: string, url: string, flags: Flags): Promise<number> {
  parseSftpUrl(url)
  const settings = { archiveDir: folder(flags, 'archive'), outboundDir: folder(flags, 'outbound'), everySeconds: every(flags) }
  const creds = await credentials(flags)
  const db = await ctx.db()
  const existing = (await listTransports(db)).find((t) => t.supplierId === supplierId)
  if (!creds && !existing?.credentials) {
    throw new DomainError('TRANSPORT_NO_CREDENTIALS', `transport set: give --key FILE, --password-stdin or WISMO_SFTP_PASSWORD for ${supplierId}`)
  }
  const sealed = creds ? sealCredentials(creds, await signingSecret(db, ctx.config.secret)) : null
  const { transport, created } = await saveSftpTransport(db, { supplierId, url, credentials: sealed, settings, now: ctx.clock.now() })
  const how = creds?.privateKey ? 'key' : creds ? 'password' : 'credentials kept'
  ctx.out(`${created ? 'set' : 'updated'} SFTP transport of ${supplierId}: ${transport.url} (${how}, sealed), every ${settings.everySeconds / 60} min` +
    `${settings.archiveDir ? `, archive ${settings.archiveDir}` : ''}${settings.outboundDir ? `, outbound ${settings.outboundDir}` : ''}`)
  ctx.out(transport.hostKey ? `host key pinned: ${transport.hostKey}` : 'host key: pinned on the first poll (wismo transport poll shows it)')
  return 0
}

function view(t: SupplierTransport) {
  return {
    supplierId: t.supplierId, url: t.url, status: t.status, stoppedReason: t.stoppedReason, hostKey: t.hostKey,
    archiveDir: t.settings.archiveDir ?? null, outboundDir: t.settings.outboundDir ?? null,
    everySeconds: t.settings.everySeconds ?? DEFAULT_EVERY_SECONDS,
    lastPollAt: t.lastPollAt?.toISOString() ?? null, lastSuccessAt: t.lastSuccessAt?.toISOString() ?? null,
    lastFileAt: t.lastFileAt?.toISOString() ?? null, failures: t.failures, lastError: t.lastError,
    lastErrorAt: t.lastErrorAt?.toISOString() ?? null, nextPollAt: t.nextPollAt?.toISOString() ?? null,
  }
}

async function list(ctx: CliContext, json: boolean): Promise<number> {
  const rows = (await listTransports(await ctx.db())).map(view)
  if (json) {
    ctx.out(JSON.stringify(rows, null, 2))
    return 0
  }
  if (rows.length === 0) ctx.out('no transport is set: wismo transport set SUPPLIER sftp://user@host/path …')
  for (const r of rows) {
    const lines = [
      `${r.supplierId} ${r.url}: ${r.status}${r.stoppedReason ? ` (${r.stoppedReason})` : ''}`,
      `  host key: ${r.hostKey ?? 'not pinned yet'}`,
      `  last poll: ${r.lastPollAt ?? 'never'}; last success: ${r.lastSuccessAt ?? 'never'}; last file: ${r.lastFileAt ?? 'none yet'}; next poll: ${r.nextPollAt ?? '-'}`,
    ]
    if (r.failures > 0) lines.push(`  ${r.failures} failed polls in a row; last error (${r.lastErrorAt}): ${r.lastError}`)
    ctx.out(lines.join('\n'))
  }
  return 0
}

function describe(supplierId: string | null, r: PollResult): string {
  if (r.outcome === 'stopped') return `${supplierId}: stopped: ${r.reason}`
  const parts = [`${r.fetched.length} fetched`]
  if (r.waiting.length > 0) parts.push(`${r.waiting.length} still being written`)
  if (r.repeated.length > 0) parts.push(`${r.repeated.length} already taken`)
  if (r.archived.length > 0) parts.push(`${r.archived.length} archived`)
  parts.push(`${r.sent.length} sent`)
  const files = r.fetched.map((f) => `\n  ${f.name}: ${f.outcome}${f.messageId !== null ? ` (message ${f.messageId})` : ''}`).join('')
  return `${supplierId}: ${r.outcome === 'ok' ? 'ok' : `failed: ${r.error}`}; ${parts.join(', ')}${files}`
}

async function poll(ctx: CliContext, supplierId: string | null): Promise<number> {
  const db = await ctx.db()
  const targets = supplierId ? [await findSftpTransport(db, supplierId)] : (await listTransports(db)).filter((t) => t.status === 'active')
  if (targets.length === 0) ctx.out('no active SFTP transport')
  const secret = await signingSecret(db, ctx.config.secret)
  let code = 0
  for (const t of targets) {
    const r = await pollSftp(db, t, { now: ctx.clock.now(), secret })
    ;(r.outcome === 'ok' ? ctx.out : ctx.err)(describe(t.supplierId, r))
    if (r.outcome !== 'ok') code = 1
  }
  return code
}

async function trust(ctx: CliContext, supplierId: string): Promise<number> {
  const db = await ctx.db()
  const t = await findSftpTransport(db, supplierId)
  const now = ctx.clock.now()
  await trustTransport(db, t.transportId, now)
  await closeTask(db, hostKeyTaskKey(t.transportId), now)
  ctx.out(`${supplierId}: the pinned host key is cleared and the transport resumed; the next poll pins the key the server shows then`)
  return 0
}

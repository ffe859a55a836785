/**
 * `wismo mailbox set imaps://user@host:993/INBOX [--password-stdin] [--every 5m] [--done-folder F] [--held-folder F] [--keep-in-inbox] [--senders ADDR=SUPPLIER,…]`
 * `wismo mailbox list [--json]`
 * `wismo mailbox poll [--json]`
 *
 * The IMAP mailbox suppliers email their feeds to (docs/operations.md "Email from suppliers
 * (IMAP)"). The password comes from stdin (--password-stdin: asked on a terminal, else the first
 * line) or WISMO_IMAP_PASSWORD, and is kept sealed with the signing secret.
 */
import { UsageError, type CliContext, type Command } from './context.ts'
import { DomainError } from '../domain/errors.ts'
import { signingSecret } from '../store/secret.ts'
import { parseDuration } from '../replay/plan.ts'
import { readPassword } from './read-password.ts'
import { listMailboxes, normalizeMailboxUrl, saveMailbox, type ImapSettings } from '../transports/imap-store.ts'
import { pollDueMailboxes, type PollResult } from '../transports/imap.ts'

const USAGE = `usage: wismo mailbox set imaps://USER@HOST:993/INBOX [--password-stdin] [--every 5m] [--done-folder F] [--held-folder F] [--keep-in-inbox] [--senders ADDR=SUPPLIER,…]
       wismo mailbox list [--json]
       wismo mailbox poll [--json]`

type Flags = Record<string, string | boolean | undefined>

function settingsFrom(flags: Flags): Partial<ImapSettings> {
  const s: Partial<ImapSettings> = {}
  if (typeof flags.every === 'string') {
    const ms = parseDuration(flags.every)
    if (ms === null || ms < 60_000) throw new UsageError(`--every: expected a duration of at least 1m like 5m or 1h (got ${JSON.stringify(flags.every)})\n${USAGE}`)
    s.everySeconds = ms / 1000
  }
  if (typeof flags['done-folder'] === 'string') s.doneFolder = flags['done-folder']
  if (typeof flags['held-folder'] === 'string') s.heldFolder = flags['held-folder']
  if (flags['keep-in-inbox'] === true) s.keepInInbox = true
  if (typeof flags.senders === 'string') {
    s.senders = {}
    for (const pair of flags.senders.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [address, supplier] = pair.split('=').map((p) => p?.trim())
      if (!address?.includes('@') || !supplier) throw new UsageError(`--senders: expected ADDRESS=SUPPLIER pairs separated by commas (got ${JSON.stringify(pair)})\n${USAGE}`)
      s.senders[address.toLowerCase()] = supplier
    }
  }
  return s
}

async function passwordFrom(flags: Flags): Promise<string | null> {
  if (flags['password-stdin'] === true) return readPassword()
  return process.env.WISMO_IMAP_PASSWORD || null
}

async function set(ctx: CliContext, url: string | undefined, flags: Flags): Promise<number> {
  if (!url) throw new UsageError(USAGE)
  const settings = settingsFrom(flags)
  const password = await passwordFrom(flags)
  const db = await ctx.db()
  const known = (await listMailboxes(db)).some((m) => m.url === normalizeMailboxUrl(url).toString())
  if (password === null && !known) {
    throw new DomainError('TRANSPORT_NO_PASSWORD', 'mailbox set: give the password with --password-stdin or WISMO_IMAP_PASSWORD')
  }
  if (settings.senders) {
    const suppliers = new Set((await db.query<{ supplier_id: string }>('SELECT supplier_id FROM suppliers')).map((r) => r.supplier_id))
    const unknown = Object.values(settings.senders).filter((s) => !suppliers.has(s))
    if (unknown.length > 0) throw new DomainError('FEED_SUPPLIER_UNKNOWN', `--senders: unknown supplier ${unknown.map((u) => JSON.stringify(u)).join(', ')}`)
  }
  const secret = await signingSecret(db, ctx.config.secret)
  const { transport, created } = await saveMailbox(db, { url, password, settings, secret, now: ctx.clock.now() })
  const s = transport.settings
  ctx.out(`${created ? 'added' : 'updated'} mailbox ${transport.url} (password sealed with the signing secret): every ${s.everySeconds / 60} min; ` +
    (s.keepInInbox ? 'messages left in place, flagged seen' : `taken messages to "${s.doneFolder}", kept ones to "${s.heldFolder}"`))
  ctx.out('the worker (wismo serve or wismo worker) polls it; wismo mailbox poll polls it now')
  return 0
}

async function list(ctx: CliContext, json: boolean): Promise<number> {
  const rows = await listMailboxes(await ctx.db())
  const out = rows.map(({ credentials: _sealed, ...m }) => m)
  if (json) return ctx.out(JSON.stringify(out, null, 2)), 0
  if (out.length === 0) return ctx.out('no mailbox (wismo mailbox set imaps://USER@HOST:993/INBOX --password-stdin)'), 0
  for (const m of out) {
    const h = m.health
    const when = (d: unknown) => (d instanceof Date ? d.toISOString() : 'never')
    ctx.out(`${m.url}  ${h.status}  last success ${when(h.lastSuccessAt)}, last file ${when(h.lastFileAt)}, next poll ${when(h.nextPollAt)}` +
      (m.failures > 0 ? `, ${m.failures} failures in a row: ${h.lastError}` : ''))
  }
  return 0
}

function report(ctx: CliContext, r: PollResult): void {
  const done = r.messages.filter((m) => m.outcome === 'done').length
  const held = r.messages.filter((m) => m.outcome === 'held')
  if (!r.ok) ctx.err(`mailbox ${r.transportId}: poll failed (${r.failures} in a row): ${r.error}`)
  else ctx.out(`mailbox ${r.transportId}: ${done} messages taken in, ${held.length} kept for a rep${r.left > 0 ? `, ${r.left} left for the next poll` : ''}`)
  for (const m of r.messages) for (const f of m.files) ctx.out(`  ${m.from}: ${f.filename}: ${f.outcome} (message ${f.messageId})${f.reason ? `: ${f.reason}` : ''}`)
  for (const m of held) ctx.out(`  kept: ${m.from ?? '(no sender)'}: ${m.reason} (message ${m.messageId})`)
}

async function poll(ctx: CliContext, json: boolean): Promise<number> {
  const db = await ctx.db()
  const results = await pollDueMailboxes(db, { now: ctx.clock.now(), secret: await signingSecret(db, ctx.config.secret), all: true })
  if (json) ctx.out(JSON.stringify(results, null, 2))
  else if (results.length === 0) ctx.out('no active mailbox (wismo mailbox set …)')
  else for (const r of results) report(ctx, r)
  return results.every((r) => r.ok) ? 0 : 1
}

export const mailboxCommand: Command = async (ctx, { positionals, flags }) => {
  const [what, url, ...rest] = positionals
  if (rest.length > 0) throw new UsageError(USAGE)
  if (what === 'set') return set(ctx, url, flags)
  if (url !== undefined) throw new UsageError(USAGE)
  if (what === 'list') return list(ctx, flags.json === true)
  if (what === 'poll') return poll(ctx, flags.json === true)
  throw new UsageError(USAGE)
}

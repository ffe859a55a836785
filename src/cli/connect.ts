/**
 * `wismo connect shopify --shop NAME.myshopify.com --token … --webhook-secret … [--refunds platform|record] [--since DATE] [--no-sync]`
 * `wismo connect woocommerce --url https://SHOP --key ck_… --secret cs_… --webhook-secret … […]`
 * `wismo connect status [--json]`
 * `wismo sync shopify|woocommerce [--shop …] [--since DATE]`
 *
 * Connecting stores the credentials sealed (src/connect/credentials.ts) and then backfills the
 * shop's recent orders (60 days unless --since), which also proves the credentials work.
 */
import { UsageError, type CliContext, type Command } from './context.ts'
import { DomainError } from '../domain/errors.ts'
import { signingSecret } from '../store/secret.ts'
import { findConnection, listConnections, markRevoked, saveConnection, type Connection, type ConnectionStatus, type Credentials, type RefundsMode } from '../connect/connections.ts'
import { clientFor } from '../connect/clients.ts'
import { syncOrders, type SyncResult } from '../connect/sync.ts'
import { PlatformCallError, PLATFORMS, type Platform } from '../connect/platform.ts'

const USAGE = `usage: wismo connect shopify --shop NAME.myshopify.com --token TOKEN --webhook-secret SECRET [--refunds platform|record] [--since DATE] [--no-sync] [--no-webhooks]
       wismo connect woocommerce --url https://SHOP --key CONSUMER_KEY --secret CONSUMER_SECRET --webhook-secret SECRET [--refunds platform|record] [--since DATE] [--no-sync]
       wismo connect status [--json]`
const SYNC_USAGE = 'usage: wismo sync shopify|woocommerce [--shop SHOP] [--since DATE]'
const DEFAULT_BACKFILL_DAYS = 60

function text(flags: Record<string, string | boolean | undefined>, name: string, usage: string): string {
  const v = flags[name]
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required\n${usage}`)
  return v.trim()
}

function sinceFlag(flags: Record<string, string | boolean | undefined>): Date | null {
  const v = flags.since
  if (v === undefined) return null
  const d = typeof v === 'string' ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v) : new Date(NaN)
  if (Number.isNaN(d.getTime())) throw new DomainError('SYNC_SINCE_INVALID', `--since: expected a date (YYYY-MM-DD) or an ISO time, got ${JSON.stringify(v)}`)
  return d
}

function platformOf(name: string | undefined, usage: string): Platform {
  if (!name || !(PLATFORMS as readonly string[]).includes(name)) throw new UsageError(usage)
  return name as Platform
}

async function runSync(ctx: CliContext, platform: Platform, shop: string | null, since: Date | null): Promise<SyncResult> {
  const db = await ctx.db()
  const conn = await findConnection(db, platform, shop)
  const secret = await signingSecret(db, ctx.config.secret)
  const client = clientFor(conn, { config: ctx.config, secret })
  const result = await syncOrders(db, conn, client, {
    now: () => ctx.clock.now(), since,
    onPage: (r) => ctx.isTTY && process.stderr.write(`\r${conn.shop}: ${r.pages} pages, ${r.orders} orders`),
  })
  if (ctx.isTTY) process.stderr.write('\n')
  const parts = [`${result.orders} orders in ${result.pages} pages`]
  if (result.unchanged > 0) parts.push(`${result.unchanged} already up to date`)
  if (result.duplicatePages > 0) parts.push(`${result.duplicatePages} pages already applied`)
  ctx.out(`synced ${conn.shop}${result.resumed ? ' (resumed where the last sync stopped)' : ''}: ${parts.join(', ')}`)
  for (const q of result.quarantined) ctx.err(`quarantined: ${q}`)
  return result
}

export const connectCommand: Command = async (ctx, { positionals, flags }) => {
  const [what, ...rest] = positionals
  if (rest.length > 0) throw new UsageError(USAGE)
  if (what === 'status') return status(ctx, flags.json === true)
  const platform = platformOf(what, USAGE)
  const refunds = (flags.refunds ?? 'record') as RefundsMode
  if (refunds !== 'platform' && refunds !== 'record') throw new UsageError(`--refunds: expected platform or record\n${USAGE}`)
  const shop = platform === 'shopify' ? text(flags, 'shop', USAGE) : text(flags, 'url', USAGE)
  const credentials: Credentials = platform === 'shopify'
    ? { token: text(flags, 'token', USAGE), webhookSecret: text(flags, 'webhook-secret', USAGE) }
    : { consumerKey: text(flags, 'key', USAGE), consumerSecret: text(flags, 'secret', USAGE), webhookSecret: text(flags, 'webhook-secret', USAGE) }
  const since = sinceFlag(flags) ?? new Date(ctx.clock.now().getTime() - DEFAULT_BACKFILL_DAYS * 86_400_000)
  const db = await ctx.db()
  const secret = await signingSecret(db, ctx.config.secret)
  const { connection, created } = await saveConnection(db, { platform, shop, credentials, refunds, secret, now: ctx.clock.now() })
  ctx.out(`${created ? 'connected' : 'reconnected'} ${platform} ${connection.shop} (credentials sealed with the signing secret; refunds: ${refunds})`)
  const hook = `${ctx.config.publicUrl}/api/connect/${platform}/webhooks`
  await webhooks(ctx, connection, secret, hook, flags['no-webhooks'] === true)
  if (flags['no-sync'] === true) return 0
  await runSync(ctx, platform, connection.shop, since)
  return 0
}

/** Subscribes the shop's webhooks to wismo where the platform lets an app do it, else says how to. */
async function webhooks(ctx: CliContext, connection: Connection, secret: string, hook: string, skip: boolean): Promise<void> {
  const db = await ctx.db()
  const client = clientFor(await findConnection(db, connection.platform, connection.shop), { config: ctx.config, secret })
  const byHand = `add them in the shop's admin, pointing at ${hook} (docs/${connection.platform}.md)`
  if (skip || !client.subscribe) return ctx.out(`webhooks: ${byHand}`)
  if (!hook.startsWith('https://')) {
    return ctx.out(`webhooks: not registered: Shopify calls https:// addresses only and WISMO_PUBLIC_URL is ${ctx.config.publicUrl}; set it and connect again, or ${byHand}`)
  }
  try {
    const r = await client.subscribe(hook)
    ctx.out(`webhooks: ${r.created.length} subscribed${r.created.length > 0 ? ` (${r.created.join(', ')})` : ''}, ${r.existing.length} already there, all to ${hook}`)
  } catch (err) {
    if (!(err instanceof PlatformCallError)) throw err
    if (err.revoked) await markRevoked(db, connection.connectionId, 'revoked', err.message, ctx.clock.now())
    throw new DomainError(err.revoked ? 'PLATFORM_REVOKED' : 'PLATFORM_CALL_FAILED', `webhooks not subscribed: ${err.message}`, { cause: err })
  }
}

export const syncCommand: Command = async (ctx, { positionals, flags }) => {
  const [what, ...rest] = positionals
  if (rest.length > 0) throw new UsageError(SYNC_USAGE)
  const platform = platformOf(what, SYNC_USAGE)
  await runSync(ctx, platform, typeof flags.shop === 'string' ? flags.shop : null, sinceFlag(flags))
  return 0
}

async function status(ctx: CliContext, json: boolean): Promise<number> {
  const rows = await listConnections(await ctx.db())
  if (json) {
    ctx.out(JSON.stringify(rows, null, 2))
    return 0
  }
  if (rows.length === 0) {
    ctx.out('no shop is connected: wismo connect shopify|woocommerce …')
    return 0
  }
  for (const r of rows) ctx.out(describe(r))
  return 0
}

function describe(r: ConnectionStatus): string {
  const lines = [
    `${r.platform} ${r.shop}: ${r.status}, ${r.orders} orders, refunds ${r.refunds}`,
    `  last sync: ${r.lastSyncAt ?? 'never'}${r.lastSyncOrders !== null ? ` (${r.lastSyncOrders} orders)` : ''}${r.syncRunning ? `; a sync started ${r.syncStartedAt} has not finished (wismo sync ${r.platform} resumes it)` : ''}`,
    `  last webhook: ${r.lastWebhookAt ?? 'none yet'}`,
    `  calls to the shop: ${r.callsDue} due, ${r.callsFailed} failed (rep tasks)`,
  ]
  if (r.lastError) lines.push(`  last error (${r.lastErrorAt}): ${r.lastError}`)
  return lines.join('\n')
}

import { parseArgs } from 'node:util'
import { fixedClock, parseNow, systemClock, type Clock } from './clock.ts'
import { loadConfig } from './config.ts'
import { DomainError } from './domain/errors.ts'
import { openDb, type Db } from './store/db.ts'
import { UsageError, type CliContext, type Command } from './cli/context.ts'
import { commands, USAGE } from './cli/commands.ts'

const OPTIONS = {
  db: { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
  port: { type: 'string' },
  supplier: { type: 'string' },
  'ack-out': { type: 'string' },
  'dry-run': { type: 'boolean' },
  order: { type: 'string' },
  'demo-if-empty': { type: 'boolean' },
  orders: { type: 'string' },
  seed: { type: 'string' },
  'accept-price': { type: 'boolean' },
  rep: { type: 'string' },
  scope: { type: 'string' },
  role: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  by: { type: 'string' },
  'sweep-every': { type: 'string' },
  days: { type: 'string' },
  out: { type: 'string' },
  start: { type: 'string' },
  'orders-per-day': { type: 'string' },
  shop: { type: 'string' },
  token: { type: 'string' },
  'webhook-secret': { type: 'string' },
  refunds: { type: 'string' },
  since: { type: 'string' },
  'no-sync': { type: 'boolean' },
  'no-webhooks': { type: 'boolean' },
  url: { type: 'string' },
  key: { type: 'string' },
  secret: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  archive: { type: 'string' },
  outbound: { type: 'string' },
  every: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The `wismo` command line: returns the exit code (0 ok, 1 bad input, 2 usage). */
export async function main(argv: string[], io: Partial<Pick<CliContext, 'out' | 'err'>> = {}): Promise<number> {
  const out = io.out ?? ((s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`))
  const err = io.err ?? ((s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`))
  let parsed
  try {
    // Global options may come before or after the command: parseArgs takes flags anywhere.
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`)
    return 2
  }
  const [name, ...positionals] = parsed.positionals
  if (parsed.values.help || !name) {
    ;(name ? out : err)(USAGE)
    return name || parsed.values.help ? 0 : 2
  }
  const command: Command | undefined = commands[name]
  if (!command) {
    err(`unknown command "${name}"\n${USAGE}`)
    return 2
  }
  const nowText = parsed.values.now ?? (process.env.WISMO_NOW || undefined)
  let clock: Clock = systemClock
  if (nowText !== undefined) {
    const at = parseNow(nowText)
    if (!at) {
      err(`--now: "${nowText}" is not an ISO-8601 date or date-time`)
      return 2
    }
    clock = fixedClock(at)
  }
  let db: Db | null = null
  try {
    const config = loadConfig(process.env, { db: parsed.values.db, port: parsed.values.port })
    const ctx: CliContext = {
      clock,
      config,
      out,
      err,
      isTTY: Boolean(process.stderr.isTTY),
      async db() {
        db ??= await openDb({ url: config.databaseUrl, dataDir: config.dataDir })
        return db
      },
    }
    return await command(ctx, { positionals, flags: parsed.values as Record<string, string | boolean | undefined> })
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message)
      return 2
    }
    if (e instanceof DomainError) {
      err(e.details.length > 0 ? e.details.join('\n') : e.message)
      if (e.details.length > 0 && !e.details.some((d) => d.includes(e.message))) err(e.message)
      return 1
    }
    err(`wismo: unexpected error: ${(e as Error).stack ?? e}`)
    return 1
  } finally {
    if (db) await (db as Db).close().catch(() => {})
  }
}

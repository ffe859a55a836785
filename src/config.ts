import path from 'node:path'
import { z } from 'zod'
import { DomainError } from './domain/errors.ts'

const ConfigSchema = z.object({
  databaseUrl: z.string().url().optional(),
  dataDir: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  outboxDir: z.string().min(1),
  /** Supplier drop folders, one per supplier id. */
  inboxDir: z.string().min(1),
  smtpUrl: z.string().optional(),
  /** The From of every email wismo sends (`Name <address>`). */
  mailFrom: z.string().min(3),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holidays are YYYY-MM-DD')),
  /** Business days after the promised ship date before a silent delay is told and tasked. */
  delayGraceDays: z.coerce.number().int().min(0),
  /** Lookups per minute per client address on the customer status endpoint. */
  lookupRateLimit: z.coerce.number().int().min(1),
  secret: z.string().min(16),
  /** How often the monitoring sweep runs in `wismo serve` / `wismo worker`. */
  sweepIntervalSeconds: z.coerce.number().int().min(5),
  /** How often the supplier check looks for silent suppliers (each has its own window). */
  supplierCheckIntervalSeconds: z.coerce.number().int().min(5),
  inboxIntervalSeconds: z.coerce.number().int().min(1),
})
export type Config = z.infer<typeof ConfigSchema>

/** Reads configuration once, from flags over environment over defaults; refuses nonsense with reasons. */
export function loadConfig(env: NodeJS.ProcessEnv, flags: { db?: string; port?: string } = {}): Config {
  const dataDir = path.resolve(flags.db ?? env.WISMO_DATA_DIR ?? './data')
  const parsed = ConfigSchema.safeParse({
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    port: flags.port ?? env.PORT ?? env.WISMO_PORT ?? 3000,
    host: env.WISMO_HOST ?? '127.0.0.1',
    outboxDir: env.WISMO_OUTBOX_DIR ?? path.join(dataDir, 'outbox'),
    inboxDir: env.WISMO_INBOX_DIR ?? path.join(dataDir, 'inbox'),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.WISMO_MAIL_FROM || 'wismo <wismo@localhost>',
    holidays: (env.WISMO_HOLIDAYS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    delayGraceDays: env.WISMO_DELAY_GRACE_DAYS ?? 1,
    lookupRateLimit: env.WISMO_LOOKUP_RATE_LIMIT ?? 30,
    secret: env.WISMO_SECRET ?? 'wismo-development-secret-change-me',
    sweepIntervalSeconds: env.WISMO_SWEEP_INTERVAL_SECONDS ?? 60,
    supplierCheckIntervalSeconds: env.WISMO_SUPPLIER_CHECK_INTERVAL_SECONDS ?? 3600,
    inboxIntervalSeconds: env.WISMO_INBOX_INTERVAL_SECONDS ?? 5,
  })
  if (!parsed.success) {
    throw new DomainError(
      'CONFIG_INVALID',
      'invalid configuration',
      { details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    )
  }
  return parsed.data
}

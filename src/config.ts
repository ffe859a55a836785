import path from 'node:path'
import { z } from 'zod'
import { DomainError } from './domain/errors.ts'
import { TrustProxySchema } from './http/trust-proxy.ts'
import { FEED_MAX_DEFAULT_MEGABYTES, IDLE_TIMEOUT_DEFAULT_SECONDS, KEEP_ALIVE_DEFAULT_SECONDS, REQUEST_TIMEOUT_DEFAULT_SECONDS } from './http/request-limits.ts'
import { DEFAULT_TIME_ZONE, isValidTimeZone } from './domain/calendar.ts'
import { parseWorkingHours } from './domain/business-hours.ts'
import { COUNTRY_EXPECTED, normalizeCountry } from './domain/country.ts'
import { countryHolidaysProblem, type CountryHolidaySource } from './util/country-holidays.ts'

/** Outreach (docs/configuration.md "Customer messages"): the store's details, quiet hours, channels. */
const OutreachConfigShape = {
  storeName: z.string().min(1),
  /** The store's logo atop customer emails (WISMO_STORE_LOGO_URL): https only, so mail clients load it and no mixed content. */
  storeLogoUrl: z.string().url('WISMO_STORE_LOGO_URL must be an absolute https:// URL').refine((u) => /^https:\/\//i.test(u), 'WISMO_STORE_LOGO_URL must start with https://').optional(),
  storePhone: z.string().min(3),
  supportEmail: z.string().email(),
  quietStartHour: z.coerce.number().int().min(0).max(23),
  quietEndHour: z.coerce.number().int().min(0).max(23),
  /** Business days an ETA must slip before the customer is told (eta_slipped). */
  etaSlipBusinessDays: z.coerce.number().int().min(1),
  retailerWebhookUrl: z.string().url().optional(),
  retailerWebhookSecret: z.string().min(16).optional(),
  twilioAccountSid: z.string().min(1).optional(),
  twilioAuthToken: z.string().min(1).optional(),
  twilioFrom: z.string().min(1).optional(),
  twilioApiUrl: z.string().url(),
  /** Phone (docs/helpdesk.md): the store's hours, spoken when a call ends unanswered; where "press 0" connects. */
  storeHours: z.string().min(3).max(200),
  repPhone: z.string().regex(/^\+?[0-9]{7,15}$/, 'WISMO_REP_PHONE: a phone number such as +18005550199').optional(),
}

const ConfigSchema = z.object({
  databaseUrl: z.string().url().optional(),
  dataDir: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  outboxDir: z.string().min(1),
  /** Supplier drop folders, one per supplier id. */
  inboxDir: z.string().min(1),
  smtpUrl: z.string().optional(),
  /**
   * The From of every email wismo sends: WISMO_MAIL_FROM as written (`Name <address>`), else the
   * store's name and support address as an address object (nodemailer quotes the name).
   */
  mailFrom: z.union([
    z.string().min(3).refine((s) => /@/.test(s), 'WISMO_MAIL_FROM must hold an address, such as "Basecamp Outdoor Supply <help@basecamp.example>"'),
    z.object({ name: z.string().min(1), address: z.string().email() }),
  ]),
  /** The store's own holidays (WISMO_HOLIDAYS), on top of its country's. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holidays are YYYY-MM-DD')),
  /** WISMO_COUNTRY_HOLIDAYS: whether the country's public holidays count (on unless off); the schema's output is the source, or null. */
  countryHolidays: z.string().transform((text, ctx) => {
    const v = text.trim().toLowerCase()
    if (['', 'on', 'true', 'yes', '1'].includes(v)) return true
    if (['off', 'false', 'no', '0'].includes(v)) return false
    ctx.addIssue({ code: 'custom', message: `WISMO_COUNTRY_HOLIDAYS "${text}": expected on or off` })
    return z.NEVER
  }),
  /** WISMO_HOLIDAY_REGION: a region of the country as the holidays library names it (US state CA, German Land BY, England ENG). */
  holidayRegion: z.string().nullable(),
  /** The store's IANA time zone (WISMO_TIMEZONE): business days, "today" and promised dates are its. */
  timezone: z.string().refine(isValidTimeZone, {
    error: (iss) => `WISMO_TIMEZONE "${String(iss.input)}" is not an IANA time zone name (like America/New_York, Europe/Berlin, UTC)`,
  }),
  /** The store's country (WISMO_COUNTRY): an order or supplier without one is here (lanes, DESIGN.md "Truthful dates"). */
  country: z.string().transform((text, ctx) => {
    const code = normalizeCountry(text)
    if (code) return code
    ctx.addIssue({ code: 'custom', message: `WISMO_COUNTRY "${text}" is not ${COUNTRY_EXPECTED}` })
    return z.NEVER
  }),
  /** The store's web origin (WISMO_STORE_ORIGIN): its product pages may call GET /api/promise from the browser (CORS). */
  storeOrigin: z.string().nullable().transform((text, ctx) => {
    if (text === null) return null
    try {
      const u = new URL(text)
      if ((u.protocol === 'https:' || u.protocol === 'http:') && u.origin === text.replace(/\/$/, '')) return u.origin
    } catch { /* reported below */ }
    ctx.addIssue({ code: 'custom', message: `WISMO_STORE_ORIGIN "${text}" is not an origin like https://shop.example (scheme and host, no path)` })
    return z.NEVER
  }),
  /** Business days after the promised ship date before a silent delay is told and tasked. */
  delayGraceDays: z.coerce.number().int().min(0),
  /** WISMO_ETA_LEARNING: `off` keeps today's rules alone (no nightly model); default on. */
  etaLearning: z.enum(['on', 'off'], { message: 'WISMO_ETA_LEARNING must be on or off' }).transform((v) => v === 'on'),
  /** WISMO_ETA_TARGET: the share of deliveries learned windows should hold (DESIGN.md "Truthful dates"). */
  etaTarget: z.coerce.number({ message: 'WISMO_ETA_TARGET must be a number such as 0.9' })
    .min(0.5, 'WISMO_ETA_TARGET must be between 0.5 and 0.99').max(0.99, 'WISMO_ETA_TARGET must be between 0.5 and 0.99'),
  /** Business days without a carrier scan before a parcel in transit becomes a rep task. */
  stallBusinessDays: z.coerce.number().int().min(1),
  /** The working hours of a business day in the store's zone (WISMO_BUSINESS_HOURS): the console's task ages count them. */
  workingHours: z.string().transform((text, ctx) => {
    try {
      return parseWorkingHours(text)
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `WISMO_BUSINESS_HOURS: ${(err as Error).message}` })
      return z.NEVER
    }
  }),
  /** Lookups per minute per client address on the customer status endpoint. */
  lookupRateLimit: z.coerce.number().int().min(1),
  /** Which proxies' `X-Forwarded-For` wismo believes (docs/configuration.md "Behind a proxy"). */
  trustProxy: TrustProxySchema,
  /** Where customers reach wismo: links in messages start with it; https turns on HSTS. */
  publicUrl: z
    .string()
    .url({ message: 'WISMO_PUBLIC_URL must be an absolute URL such as https://orders.example.com' })
    .refine((u) => /^https?:\/\//i.test(u), 'WISMO_PUBLIC_URL must start with http:// or https://')
    .transform((u) => u.replace(/\/+$/, '')),
  /** Failed proofs (wrong email / postal code) one order number takes in a window before its lookups are refused. */
  lookupFailuresPerOrder: z.coerce.number({ message: 'WISMO_LOOKUP_FAILURES_PER_ORDER must be a whole number' }).int().min(1).max(1000),
  /** Failed proofs one client makes in a window, across every order and lookup path, before it is refused. */
  lookupFailuresPerClient: z.coerce.number({ message: 'WISMO_LOOKUP_FAILURES_PER_CLIENT must be a whole number' }).int().min(1).max(10_000),
  lookupFailureWindowMinutes: z.coerce
    .number({ message: 'WISMO_LOOKUP_FAILURE_WINDOW_MINUTES must be a whole number of minutes' })
    .int()
    .min(1)
    .max(7 * 24 * 60),
  /**
   * WISMO_SECRET, when set. Unset, the secret kept with the database signs (src/store/secret.ts):
   * there is deliberately no default here, since a constant in the source would let anyone forge.
   */
  secret: z.string().min(16, 'WISMO_SECRET must be at least 16 characters (or unset it: a random one is then kept with the database)').optional(),
  /** Request limits (docs/configuration.md "Request limits"): the whole request must arrive within this. */
  requestTimeoutSeconds: z.coerce.number({ message: 'WISMO_REQUEST_TIMEOUT_SECONDS must be a number of seconds' }).positive().max(3600),
  /** A connection silent both ways this long is closed. */
  idleTimeoutSeconds: z.coerce.number({ message: 'WISMO_IDLE_TIMEOUT_SECONDS must be a number of seconds' }).positive().max(3600),
  /** An idle kept-alive connection waits this long for its next request. */
  keepAliveTimeoutSeconds: z.coerce.number({ message: 'WISMO_KEEP_ALIVE_TIMEOUT_SECONDS must be a number of seconds' }).positive().max(3600),
  /** The largest supplier feed taken over HTTP (the only route with a large body). */
  feedMaxMegabytes: z.coerce.number({ message: 'WISMO_FEED_MAX_MB must be a number of megabytes' }).positive().max(4096),
  /** How often the monitoring sweep runs in `wismo serve` / `wismo worker`. */
  sweepIntervalSeconds: z.coerce.number().int().min(5),
  /** How often the supplier check looks for silent suppliers (each has its own window). */
  supplierCheckIntervalSeconds: z.coerce.number().int().min(5),
  inboxIntervalSeconds: z.coerce.number().int().min(1),
  /** Carrier webhooks (docs/api.md): a provider without its secret answers 401 "not configured". */
  easypostWebhookSecret: z.string().min(1).optional(),
  aftershipWebhookSecret: z.string().min(1).optional(),
  shippoWebhookSecret: z.string().min(1).optional(),
  /** Shippo accounts without HMAC signing: the `?token=` wismo's webhook URL carries. */
  shippoWebhookToken: z.string().min(1).optional(),
  /** Carrier polling (docs/operations.md "Carrier polling"): an EasyPost-compatible Trackers API. */
  carrierApiUrl: z.string().url(),
  /** Where Shopify's Admin API is reached (unset: https://SHOP); a local server in tests. */
  shopifyApiUrl: z.string().url({ message: 'SHOPIFY_API_URL must be an absolute URL' }).optional(),
  /** Polling is off unless this is set. Never logged. */
  carrierApiKey: z.string().min(1).optional(),
  /** A parcel quiet this many hours is polled, at most once per this many hours. */
  carrierPollStaleHours: z.coerce.number().positive(),
  /** Client-side limit on carrier API requests (EasyPost allows 5 a second on its index endpoints). */
  carrierPollRatePerSecond: z.coerce.number().positive(),
  /** A switch dearer than the line by more than this percent waits for the customer's confirmation. */
  switchAbsorbPercent: z.coerce.number().min(0).max(100),
  /** Business days past its promise before a delayed line is offered alternatives. */
  alternativesDelayDays: z.coerce.number().int().min(0),
  /** Where the 850/860 purchasing documents are written (one folder per supplier). */
  purchasingDir: z.string().min(1),
  /** wismo's interchange id in the 850/860 it sends (ISA06, GS02). */
  ediId: z.string().regex(/^[A-Za-z0-9 ._-]{1,15}$/, 'up to 15 letters, digits, spaces, ".", "_" or "-"'),
  ...OutreachConfigShape,
}).transform(({ holidayRegion, countryHolidays, ...c }, ctx) => {
  // The country's public holidays (src/util/country-holidays.ts) unless switched off: checked
  // here, once, so a country or region the library does not know stops wismo with a reason.
  let source: CountryHolidaySource | null = null
  if (countryHolidays) {
    source = { country: c.country, region: holidayRegion ? holidayRegion.toUpperCase() : null }
    const problem = countryHolidaysProblem(source)
    if (problem) {
      ctx.addIssue({ code: 'custom', path: [problem.setting === 'region' ? 'holidayRegion' : 'country'], message: problem.message })
      return z.NEVER
    }
  }
  return { ...c, countryHolidays: source }
})
export type Config = z.infer<typeof ConfigSchema>

function outreachFromEnv(env: NodeJS.ProcessEnv) {
  return {
    storeName: env.WISMO_STORE_NAME || 'Basecamp Outdoor Supply',
    storeLogoUrl: env.WISMO_STORE_LOGO_URL?.trim() || undefined,
    storePhone: env.WISMO_STORE_PHONE || '1-800-555-0142',
    supportEmail: env.WISMO_SUPPORT_EMAIL || 'help@basecamp-outdoor.example',
    quietStartHour: env.WISMO_QUIET_START_HOUR ?? 21,
    quietEndHour: env.WISMO_QUIET_END_HOUR ?? 8,
    etaSlipBusinessDays: env.WISMO_ETA_SLIP_BUSINESS_DAYS ?? 2,
    retailerWebhookUrl: env.WISMO_RETAILER_WEBHOOK_URL || undefined,
    retailerWebhookSecret: env.WISMO_RETAILER_WEBHOOK_SECRET || undefined,
    twilioAccountSid: env.TWILIO_ACCOUNT_SID || undefined,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN || undefined,
    twilioFrom: env.TWILIO_FROM || undefined,
    twilioApiUrl: env.TWILIO_API_URL || 'https://api.twilio.com',
    storeHours: env.WISMO_STORE_HOURS || 'Monday to Friday, 9 a.m. to 6 p.m. Eastern',
    repPhone: env.WISMO_REP_PHONE || undefined,
  }
}

/** Reads configuration once, from flags over environment over defaults; refuses nonsense with reasons. */
export function loadConfig(env: NodeJS.ProcessEnv, flags: { db?: string; port?: string } = {}): Config {
  const dataDir = path.resolve(flags.db ?? env.WISMO_DATA_DIR ?? './data')
  const port = flags.port ?? env.PORT ?? env.WISMO_PORT ?? 3000
  const outreach = outreachFromEnv(env)
  const parsed = ConfigSchema.safeParse({
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    port,
    host: env.WISMO_HOST ?? '127.0.0.1',
    outboxDir: env.WISMO_OUTBOX_DIR ?? path.join(dataDir, 'outbox'),
    inboxDir: env.WISMO_INBOX_DIR ?? path.join(dataDir, 'inbox'),
    smtpUrl: env.SMTP_URL || undefined,
    timezone: env.WISMO_TIMEZONE?.trim() || DEFAULT_TIME_ZONE,
    country: env.WISMO_COUNTRY?.trim() || 'US',
    storeOrigin: env.WISMO_STORE_ORIGIN?.trim() || null,
    holidays: (env.WISMO_HOLIDAYS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    countryHolidays: env.WISMO_COUNTRY_HOLIDAYS ?? '',
    holidayRegion: env.WISMO_HOLIDAY_REGION?.trim() || null,
    delayGraceDays: env.WISMO_DELAY_GRACE_DAYS ?? 1,
    etaTarget: env.WISMO_ETA_TARGET?.trim() || 0.9,
    etaLearning: env.WISMO_ETA_LEARNING?.trim().toLowerCase() || 'on',
    stallBusinessDays: env.WISMO_STALL_BUSINESS_DAYS ?? 3,
    workingHours: env.WISMO_BUSINESS_HOURS || '9-18',
    lookupRateLimit: env.WISMO_LOOKUP_RATE_LIMIT ?? 30,
    trustProxy: env.WISMO_TRUST_PROXY,
    publicUrl: env.WISMO_PUBLIC_URL || `http://localhost:${port}`,
    lookupFailuresPerOrder: env.WISMO_LOOKUP_FAILURES_PER_ORDER || 5,
    lookupFailuresPerClient: env.WISMO_LOOKUP_FAILURES_PER_CLIENT || 10,
    lookupFailureWindowMinutes: env.WISMO_LOOKUP_FAILURE_WINDOW_MINUTES || 15,
    secret: env.WISMO_SECRET || undefined,
    requestTimeoutSeconds: env.WISMO_REQUEST_TIMEOUT_SECONDS || REQUEST_TIMEOUT_DEFAULT_SECONDS,
    idleTimeoutSeconds: env.WISMO_IDLE_TIMEOUT_SECONDS || IDLE_TIMEOUT_DEFAULT_SECONDS,
    keepAliveTimeoutSeconds: env.WISMO_KEEP_ALIVE_TIMEOUT_SECONDS || KEEP_ALIVE_DEFAULT_SECONDS,
    feedMaxMegabytes: env.WISMO_FEED_MAX_MB || FEED_MAX_DEFAULT_MEGABYTES,
    sweepIntervalSeconds: env.WISMO_SWEEP_INTERVAL_SECONDS ?? 60,
    supplierCheckIntervalSeconds: env.WISMO_SUPPLIER_CHECK_INTERVAL_SECONDS ?? 3600,
    inboxIntervalSeconds: env.WISMO_INBOX_INTERVAL_SECONDS ?? 5,
    easypostWebhookSecret: env.EASYPOST_WEBHOOK_SECRET || undefined,
    aftershipWebhookSecret: env.AFTERSHIP_WEBHOOK_SECRET || undefined,
    shippoWebhookSecret: env.SHIPPO_WEBHOOK_SECRET || undefined,
    shippoWebhookToken: env.SHIPPO_WEBHOOK_TOKEN || undefined,
    carrierApiUrl: env.CARRIER_API_URL || 'https://api.easypost.com/v2',
    shopifyApiUrl: env.SHOPIFY_API_URL || undefined,
    carrierApiKey: env.CARRIER_API_KEY || undefined,
    carrierPollStaleHours: env.CARRIER_POLL_STALE_HOURS || 24,
    carrierPollRatePerSecond: env.CARRIER_POLL_RATE_PER_SECOND || 5,
    switchAbsorbPercent: env.WISMO_SWITCH_ABSORB_PERCENT || 0,
    alternativesDelayDays: env.WISMO_ALTERNATIVES_DELAY_DAYS || 5,
    purchasingDir: env.WISMO_PURCHASING_DIR || path.join(dataDir, 'purchasing'),
    ediId: env.WISMO_EDI_ID || 'WISMO',
    ...outreach,
    mailFrom: env.WISMO_MAIL_FROM?.trim() || { name: outreach.storeName, address: outreach.supportEmail },
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

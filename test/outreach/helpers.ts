import { simpleParser, type ParsedMail } from 'mailparser'
import type { Db } from '../../src/store/db.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { dispatchAllDue } from '../../src/notify/dispatch.ts'
import { createMailer } from '../../src/notify/mailer.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import type { OutreachOptions } from '../../src/outreach/run-outreach.ts'

export const STORE = { name: 'Trailhead Outfitters', phone: '1-800-555-0142', supportEmail: 'help@trailhead.example', publicUrl: 'https://shop.example' }

export const outreach = (over: Partial<OutreachOptions> = {}): Omit<OutreachOptions, 'now' | 'calendar'> => ({
  store: STORE, storeZone: 'America/New_York', quietHours: { startHour: 21, endHour: 8 }, mailFrom: 'Trailhead <orders@trailhead.example>',
  secret: 'test-secret-0123456789', smsAvailable: false, webhook: false, ...over,
})

/** One sweep with outreach at `now`, then every due message sent to the SMTP server. */
export async function sweepAndSend(db: Db, now: string, smtpUrl: string, over: Partial<OutreachOptions> = {}) {
  const at = new Date(now)
  let t = performance.now()
  const sweep = await runSweep(db, { now: at, calendar: DEFAULT_CALENDAR, delayGraceDays: 1, outreach: outreach(over) })
  if (process.env.DEBUG_TIMES) console.error('sweep', now, performance.now() - t)
  t = performance.now()
  const sent = await dispatchAllDue(db, createMailer({ smtpUrl, outboxDir: '/nonexistent' }), { now: at })
  if (process.env.DEBUG_TIMES) console.error('send', now, performance.now() - t)
  return { sweep, sent }
}

const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'
export const feed = (db: Db, rows: string[], at: string, supplierId = 'ACME') =>
  ingestSupplierFeed(db, { body: Buffer.from([HEADER, ...rows].join('\n')), filename: `f-${at}.csv`, supplierId, source: 'test', receivedAt: new Date(at) })

/**
 * The signed choice token of a message's first line with choices: its buttons in the HTML part
 * carry the long signed URLs (the text part carries short /l/ links to them).
 */
export function choiceTokenOf(mail: ParsedMail): string | null {
  const m = /\/choose\?token=([^&"\s]+)/.exec(typeof mail.html === 'string' ? mail.html : '')
  return m ? decodeURIComponent(m[1]) : null
}

export const parseAll = (raws: { raw: string }[]): Promise<ParsedMail[]> => Promise.all(raws.map((r) => simpleParser(r.raw)))

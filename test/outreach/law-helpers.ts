/** Helpers for the delay-rule scenarios: orders through the real CSV import, messages through real channels. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { importCsv } from '../../src/store/import/import-csv.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { dispatchAllDue } from '../../src/notify/dispatch.ts'
import { DeliveryError } from '../../src/notify/delivery-error.ts'
import type { SmsMessage } from '../../src/notify/sms.ts'
import type { MailMessage } from '../../src/notify/mailer.ts'
import type { OutreachOptions } from '../../src/outreach/run-outreach.ts'
import { outreach } from './helpers.ts'

const HEADER = 'order_number,placed_at,customer_name,customer_email,customer_phone,postal_code,line_no,sku,qty,supplier_id,promised_ship_date,unit_price,line_tax,order_shipping,paid_at,seller_credit'

/** One orders.csv row; blanks where a field is not given. */
export interface OrderCsvRow {
  order: string
  placedAt: string
  email?: string
  phone?: string
  postal?: string
  lineNo: number
  sku: string
  qty: number
  promised?: string
  unitPrice?: string
  lineTax?: string
  shipping?: string
  paidAt?: string
  sellerCredit?: string
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-law-'))
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
let seq = 0

/** Imports orders through `wismo import orders`' own code, as of `now`. */
export async function importOrders(db: Db, rows: OrderCsvRow[], now = '2026-11-02T12:00:00Z') {
  const lines = rows.map((r) => [r.order, r.placedAt, 'Dana Fields', r.email ?? '', r.phone ?? '', r.postal ?? '30301', r.lineNo, r.sku, r.qty, 'ACME',
    r.promised ?? '', r.unitPrice ?? '', r.lineTax ?? '', r.shipping ?? '', r.paidAt ?? '', r.sellerCredit ?? ''].join(','))
  const file = path.join(dir, `orders-${++seq}.csv`)
  fs.writeFileSync(file, `${[HEADER, ...lines].join('\n')}\n`)
  return importCsv(db, 'orders', file, { now: new Date(now) })
}

/** What the channels were handed: every email and text, in order. */
export interface Sent {
  mails: MailMessage[]
  texts: SmsMessage[]
  /** Addresses the mail server refuses for good (550). */
  refuse?: string[]
}

/** One sweep with outreach at `now`, then every due message handed to recording email and SMS channels. */
export async function sweepAndHand(db: Db, now: string, sent: Sent, over: Partial<OutreachOptions> = {}) {
  const at = new Date(now)
  const sweep = await runSweep(db, { now: at, calendar: DEFAULT_CALENDAR, delayGraceDays: 1, outreach: outreach({ smsAvailable: true, ...over }) })
  const dispatched = await dispatchAllDue(db, {
    email: {
      send: async (m) => {
        if (sent.refuse?.includes(m.to)) throw new DeliveryError('550 mailbox unavailable', { permanent: true })
        sent.mails.push(m)
        return { messageId: m.messageId!, transport: 'outbox' }
      },
    },
    sms: { send: async (m) => { sent.texts.push(m); return { id: `SM${sent.texts.length}` } } },
  }, { now: at })
  return { sweep, dispatched }
}

/** The lines wismo cancelled, as `order:line:reason`. */
export async function cancelledLines(db: Db): Promise<string[]> {
  const rows = await db.query<{ order_number: string; line_no: number; cancel_reason: string | null }>(
    `SELECT o.order_number, l.line_no, l.cancel_reason FROM order_lines l JOIN orders o USING (order_id)
      WHERE l.cancelled_at IS NOT NULL ORDER BY 1, 2`)
  return rows.map((r) => `${r.order_number}:${r.line_no}:${r.cancel_reason}`)
}

import { UsageError, type Command } from './context.ts'
import { loadFtcRecord, type FtcRecord } from '../store/ftc-record.ts'
import { calendarFrom } from '../status/calendar-config.ts'

function render(r: FtcRecord): string[] {
  const out = [`Delay-notice record (16 CFR 435) for order ${r.orderNumber}`]
  for (const l of r.lines) {
    out.push('', `Line ${l.lineNo} ${l.sku} ×${l.qty}  applicable time (promised ship date) ${l.applicableDate}`)
    if (l.notices.length === 0) out.push('  no delay notice')
    for (const n of l.notices) {
      out.push(`  ${n.kind} notice  decided ${n.createdAt}  sent ${n.sentAt ?? `not yet (${n.status ?? 'no message'})`}  via ${n.channel ?? '-'}  message ${n.messageId ?? n.notificationId ?? '-'}`)
      out.push(`    revised date ${n.revisedDate ?? 'unknown'}; ${n.silenceMeans}${n.cancelOn ? ` (deadline ${n.cancelOn})` : ''}`)
    }
    for (const a of l.answers) {
      const what = a.choice === 'switch' ? `switch from ${a.fromSku} to ${a.sku} (a new promise from here)` : a.choice
      out.push(`  answer: ${what} by ${a.decidedBy}${a.channel ? ` (${a.channel})` : ''} at ${a.at}`)
    }
    if (l.cancellation) out.push(`  cancelled automatically (${l.cancellation.reason}) at ${l.cancellation.at}: ${l.cancellation.qty} unit(s), refund due by ${l.cancellation.refundDue}`)
    out.push(`  shipped: ${l.shippedAt ?? 'not yet'}   refund due: ${l.refundDueDate ?? '-'}`)
  }
  return out
}

/** `wismo ftc ORDER [--json]` — the order's delay-notice record, line by line. */
export const ftcCommand: Command = async (ctx, { positionals, flags }) => {
  const [orderNumber, ...rest] = positionals
  if (!orderNumber || rest.length > 0) throw new UsageError('usage: wismo ftc ORDER [--json]')
  const db = await ctx.db()
  const record = await loadFtcRecord(db, orderNumber, await calendarFrom(db, ctx.config))
  if (!record) {
    ctx.err(`order ${orderNumber} not found`)
    return 1
  }
  ctx.out(flags.json ? JSON.stringify(record, null, 2) : render(record).join('\n'))
  return 0
}

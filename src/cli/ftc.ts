import { UsageError, type Command } from './context.ts'
import { loadFtcRecord, type FtcNotice, type FtcRecord } from '../store/ftc-record.ts'
import { calendarFrom } from '../status/calendar-config.ts'

function noticeLines(n: FtcNotice): string[] {
  const sent = n.sentAt ?? `not yet (${n.status ?? 'no message'})`
  const out = [
    `  ${n.kind} notice  decided ${n.createdAt}  sent ${sent}  via ${n.channel ?? '-'}  message ${n.messageId ?? n.notificationId ?? '-'}`,
    `    revised date ${n.revisedDate ?? 'unknown'}; ${n.silenceMeans}${n.cancelOn ? ` (deadline ${n.cancelOn})` : ''}`,
    `    ${n.complete ? 'complete notice' : 'NOT a complete notice (a text pointing to it)'}; ${n.reached ? `reached the customer ${n.reachedAt}` : 'has not reached the customer'}`,
  ]
  for (const m of n.messages.filter((x) => x.notificationId !== n.notificationId)) {
    out.push(`    also ${m.channel} ${m.status}${m.sentAt ? ` ${m.sentAt}` : ''}${m.complete ? '' : ' (pointer only)'}`)
  }
  return out
}

function render(r: FtcRecord): string[] {
  const out = [`Delay-notice record (16 CFR 435) for order ${r.orderNumber}`]
  for (const l of r.lines) {
    out.push('', `Line ${l.lineNo} ${l.sku} ×${l.qty}  applicable time ${l.applicableDate} (${l.applicableBasis})`)
    if (l.notices.length === 0) out.push('  no delay notice')
    for (const n of l.notices) out.push(...noticeLines(n))
    for (const a of l.answers) {
      const what = a.choice === 'switch' ? `switch from ${a.fromSku} to ${a.sku} (a new promise from here)` : a.choice
      out.push(`  answer: ${what} by ${a.decidedBy}${a.channel ? ` (${a.channel})` : ''} at ${a.at}`)
    }
    if (l.cancellation) out.push(`  cancelled automatically (${l.cancellation.reason}) at ${l.cancellation.at}: ${l.cancellation.qty} unit(s), refund due by ${l.cancellation.refundDue}`)
    for (const f of l.refunds) {
      out.push(`  refund (${f.reason}): ${f.amount.toFixed(2)} for ${f.qty} unit(s), tax ${f.tax.toFixed(2)}, shipping ${f.shipping.toFixed(2)}, due by ${f.dueBy}`)
    }
    out.push(`  shipped: ${l.shippedAt ?? 'not yet'}   refund due: ${l.refundDueDate ?? '-'}${l.refundAmount !== null ? ` (${l.refundAmount.toFixed(2)})` : ''}`)
  }
  return out
}

/** `wismo ftc ORDER [--json]` — the order's delay-notice record, line by line. */
export const ftcCommand: Command = async (ctx, { positionals, flags }) => {
  const [orderNumber, ...rest] = positionals
  if (!orderNumber || rest.length > 0) throw new UsageError('usage: wismo ftc ORDER [--json]')
  const db = await ctx.db()
  const record = await loadFtcRecord(db, orderNumber, await calendarFrom(db, ctx.config, ctx.clock.now()))
  if (!record) {
    ctx.err(`order ${orderNumber} not found`)
    return 1
  }
  ctx.out(flags.json ? JSON.stringify(record, null, 2) : render(record).join('\n'))
  return 0
}

import { UsageError, type Command } from './context.ts'
import { getOrderStatus, presentRepView, type RepOrderView } from '../status/order-status.ts'
import { calendarFrom } from '../status/calendar-config.ts'

function formatEta(eta: RepOrderView['eta']): string {
  if (!eta) return 'unknown'
  const when = eta.earliest === eta.latest ? eta.earliest : `${eta.earliest} – ${eta.latest}`
  return `${when} (${eta.source})`
}

function render(v: RepOrderView): string[] {
  const out = [
    `Order ${v.orderNumber}  placed ${v.placedAt}  ${v.customerName ?? ''} <${v.customerEmail ?? ''}>`,
    `State: ${v.state}   ETA: ${formatEta(v.eta)}`,
    v.headline,
    '',
  ]
  for (const l of v.lines) {
    const qty = Object.entries(l.quantities).map(([s, n]) => `${n} ${s}`).join(', ')
    out.push(`  ${l.lineNo}. ${l.sku} ${l.name} ×${l.qty}  [${l.state}]  ${qty}`)
    out.push(`     supplier ${l.supplierId ?? '-'}${l.supplierName ? ` (${l.supplierName})` : ''}  PO ${l.poNumber ?? '-'} line ${l.poLine ?? '-'}`)
    out.push(`     promised ship ${l.promisedShipDate}  supplier date ${l.expectedShipDate ?? '-'}  ETA ${formatEta(l.eta)}`)
    for (const t of l.tracking) out.push(`     ${t.carrier ?? 'carrier?'} ${t.number} ${t.status}${t.url ? `  ${t.url}` : ''}`)
    if (l.reason) out.push(`     reason: ${l.reason}`)
    for (const a of l.alternatives) {
      const sooner = a.daysSooner === null ? '' : `, ${a.daysSooner} days sooner`
      const price = a.priceDelta === 0 ? 'same price' : `${a.priceDelta > 0 ? '+' : ''}${a.priceDelta.toFixed(2)} per unit`
      out.push(`     alternative: ${a.sku} ${a.name} (${a.kind}) from ${a.supplierId}${a.cost === null ? '' : ` at cost ${a.cost.toFixed(2)}`}: arrives ${a.eta}${sooner}, ${price}  → wismo choose ${v.orderNumber} ${l.lineNo} switch ${a.sku}`)
    }
    out.push(`     ${l.explanation}`)
  }
  return out
}

/** `wismo status ORDER [--json]` — the rep's view of one order. */
export const statusCommand: Command = async (ctx, { positionals, flags }) => {
  const [orderNumber, ...rest] = positionals
  if (!orderNumber || rest.length > 0) throw new UsageError('usage: wismo status ORDER [--json]')
  const db = await ctx.db()
  const derived = await getOrderStatus(db, orderNumber, {
    now: ctx.clock.now(), calendar: await calendarFrom(db, ctx.config), alternativesDelayDays: ctx.config.alternativesDelayDays,
  })
  if (!derived) {
    ctx.err(`order ${orderNumber} not found`)
    return 1
  }
  const view = presentRepView(derived)
  if (flags.json) ctx.out(JSON.stringify(view, null, 2))
  else ctx.out(render(view).join('\n'))
  return 0
}

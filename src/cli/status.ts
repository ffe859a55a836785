import { UsageError, type Command } from './context.ts'
import { getOrderStatus, presentRepView, type RepOrderView } from '../status/order-status.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { listNotifications, type NotificationView } from '../store/notifications.ts'
import { listPurchasingDocuments, type PurchasingDocumentView } from '../purchasing/export.ts'

function formatEta(eta: RepOrderView['eta']): string {
  if (!eta) return 'unknown'
  const when = eta.earliest === eta.latest ? eta.earliest : `${eta.earliest} – ${eta.latest}`
  return `${when} (${eta.source})`
}

/** The 850/860 wismo sent for the order, and what each supplier's 997 said. */
function renderDocuments(docs: PurchasingDocumentView[]): string[] {
  if (docs.length === 0) return []
  return ['', 'Purchasing documents:', ...docs.map((d) => {
    const a = d.acknowledgment
    const answer = a ? `${a.status} ${a.receivedAt}${a.detail ? `  ${a.detail}` : ''}` : 'no 997 yet'
    return `  ${d.createdAt}  ${d.kind} to ${d.supplierId ?? '-'}  PO ${d.poNumber} line ${d.poLine}  control ${d.controlNumber}  ${answer}`
  })]
}

/** What the customer was told, and when (newest first). */
function renderTold(told: NotificationView[]): string[] {
  if (told.length === 0) return ['', 'Told: nothing yet']
  return ['', 'Told:', ...told.map((n) =>
    `  ${n.sentAt ?? n.createdAt}  ${n.channel} ${n.to || '(nobody)'}  [${n.triggers.join(', ')}] lines ${n.lines.join(',') || '-'}  ${n.status}${n.subject ? `  "${n.subject}"` : ''}`)]
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
    now: ctx.clock.now(), calendar: await calendarFrom(db, ctx.config, ctx.clock.now()), alternativesDelayDays: ctx.config.alternativesDelayDays,
  })
  if (!derived) {
    ctx.err(`order ${orderNumber} not found`)
    return 1
  }
  const view = presentRepView(derived)
  const told = await listNotifications(db, { orderNumber, limit: 50 })
  const docs = await listPurchasingDocuments(db, { orderId: derived.snapshot.orderId, limit: 100 })
  // The documents' X12 and CSV bodies stay out: the API serves them.
  const purchasing = docs.map(({ x12: _x12, csv: _csv, ...d }) => d)
  if (flags.json) ctx.out(JSON.stringify({ ...view, told, purchasing }, null, 2))
  else ctx.out([...render(view), ...renderDocuments(docs), ...renderTold(told)].join('\n'))
  return 0
}

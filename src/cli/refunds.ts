import { UsageError, type Command } from './context.ts'
import { listRefunds } from '../store/refunds.ts'

/** `wismo refunds [--order ORDER] [--json]` — refunds due to customers, oldest first. */
export const refundsCommand: Command = async (ctx, { positionals, flags }) => {
  if (positionals.length > 0) throw new UsageError('usage: wismo refunds [--order ORDER] [--json]')
  const order = typeof flags.order === 'string' ? flags.order : undefined
  const rows = await listRefunds(await ctx.db(), { orderNumber: order, limit: 10_000 })
  if (flags.json) {
    ctx.out(JSON.stringify(rows, null, 2))
    return 0
  }
  if (rows.length === 0) ctx.out('no refunds due')
  for (const r of rows) {
    const parts = r.tax > 0 || r.shipping > 0 ? ` (tax ${r.tax.toFixed(2)}, shipping ${r.shipping.toFixed(2)})` : ''
    ctx.out(`#${r.refundId}  ${r.orderNumber} line ${r.lineNo}  ${r.qty} × ${r.sku}  ${r.amount.toFixed(2)}${parts}  ${r.reason}  due by ${r.dueBy}`)
  }
  return 0
}

import { UsageError, type Command } from './context.ts'
import { recordChoice } from '../choices/record-choice.ts'
import { exportPurchasingDocuments } from '../purchasing/export.ts'

const USAGE = 'usage: wismo choose ORDER LINE wait|cancel|switch [SKU] [--accept-price] [--rep EMAIL] [--json]'

/**
 * `wismo choose ORDER LINE wait|cancel|switch [SKU]` — a rep records the customer's choice for
 * a line. Prints what changed; exit 1 with the reason when refused (nothing changed then).
 */
export const chooseCommand: Command = async (ctx, { positionals, flags }) => {
  const [orderNumber, lineText, choice, sku, ...rest] = positionals
  if (!orderNumber || !lineText || !choice || rest.length > 0) throw new UsageError(USAGE)
  if (!/^\d{1,9}$/.test(lineText)) throw new UsageError(`LINE must be a line number, got "${lineText}"\n${USAGE}`)
  const rep = typeof flags.rep === 'string' && flags.rep.trim() !== '' ? flags.rep.trim() : 'cli'
  const db = await ctx.db()
  const result = await recordChoice(db, {
    orderNumber, lineNo: Number(lineText), choice, sku: sku ?? null, decidedBy: `rep:${rep}`, channel: 'cli',
    acceptPrice: flags['accept-price'] === true, now: ctx.clock.now(), config: ctx.config,
  })
  await exportPurchasingDocuments(db, ctx.config.purchasingDir, ctx.clock.now())
  if (flags.json) ctx.out(JSON.stringify(result, null, 2))
  else ctx.out([`order ${result.orderNumber} line ${result.lineNo}: ${result.choice} recorded (by ${result.decidedBy})`, ...result.summary.map((s) => `  ${s}`)].join('\n'))
  return 0
}

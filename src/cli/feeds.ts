import type { Command } from './context.ts'
import { listFeeds } from '../store/inbound.ts'

/** `wismo feeds [--json]` — what came in and what became of it. */
export const feedsCommand: Command = async (ctx, { flags }) => {
  const feeds = await listFeeds(await ctx.db())
  if (flags.json) {
    ctx.out(JSON.stringify(feeds, null, 2))
    return 0
  }
  if (feeds.length === 0) ctx.out('no feeds received yet')
  for (const f of feeds) {
    const who = f.supplierId ? ` supplier ${f.supplierId}` : ''
    const what = f.status === 'quarantined' ? `quarantined: ${f.reason}` : f.status === 'duplicate' ? `duplicate of ${f.duplicateOf}` : f.status
    ctx.out(`${f.receivedAt}  #${f.messageId}  ${f.kind}${who}  ${f.filename ?? f.source}  ${what}`)
  }
  return 0
}

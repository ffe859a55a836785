import type { Command } from './context.ts'
import { listFeeds, type FeedRow } from '../store/inbound.ts'
import { describeUnmatched } from '../feeds/unmatched-lines.ts'

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
    ctx.out(`${f.receivedAt}  #${f.messageId}  ${f.kind}${who}  ${f.filename ?? f.source}  ${describeOutcome(f)}`)
  }
  return 0
}

/** One feed's outcome in words; a half-done one says what will become of it. */
export function describeOutcome(f: FeedRow): string {
  switch (f.status) {
    case 'quarantined':
      return `quarantined: ${f.reason}`
    case 'duplicate':
      return `duplicate of ${f.duplicateOf}`
    case 'superseded':
      return `superseded by ${f.supersededBy ?? '?'} (left unfinished by a process that stopped)`
    case 'received':
      return f.reason
        ? `received, not applied yet (attempt ${f.attempts}: ${f.reason}); the next sweep tries again`
        : 'received: being applied, or left by a process that stopped (the next sweep finishes it)'
    default: {
      const applied = f.supersedes ? `applied (took over from ${f.supersedes})` : f.status
      return f.unmatched ? `${applied}; ${describeUnmatched(f.unmatched)}` : applied
    }
  }
}

import { UsageError, type Command } from './context.ts'
import { confirmEquivalent, loadEquivalentSuggestions } from '../store/equivalents.ts'

const USAGE = 'usage: wismo equivalents suggest [--json] | wismo equivalents confirm SKU EQUIVALENT_SKU'

/**
 * `wismo equivalents suggest [--json]` lists products of other brands that look equivalent, for a
 * rep to check; `wismo equivalents confirm SKU EQUIVALENT_SKU` confirms one. Suggestions are never
 * offered to a customer until confirmed.
 */
export const equivalentsCommand: Command = async (ctx, { positionals, flags }) => {
  const [sub, ...rest] = positionals
  if (sub === 'suggest' && rest.length === 0) {
    const list = await loadEquivalentSuggestions(await ctx.db())
    if (flags.json) ctx.out(JSON.stringify(list, null, 2))
    else if (list.length === 0) ctx.out('no suggestions')
    else for (const s of list) ctx.out(`${s.sku}  ≈  ${s.equivalentSku}   ${s.reason}   (wismo equivalents confirm ${s.sku} ${s.equivalentSku})`)
    return 0
  }
  if (sub === 'confirm' && rest.length === 2) {
    const added = await confirmEquivalent(await ctx.db(), rest[0], rest[1])
    ctx.out(added ? `${rest[0]} and ${rest[1]} are now equivalents (offered as alternatives for each other)` : `${rest[0]} and ${rest[1]} were already equivalents`)
    return 0
  }
  throw new UsageError(USAGE)
}

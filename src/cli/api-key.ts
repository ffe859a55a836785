import { UsageError, type Command } from './context.ts'
import { issueApiKey, isApiKeyScope } from '../store/api-keys.ts'

const USAGE = 'usage: wismo api-key NAME --scope retailer|helpdesk'

/** `wismo api-key NAME --scope retailer|helpdesk` — issue (or rotate) an API key for the retailer's systems or a helpdesk. */
export const apiKeyCommand: Command = async (ctx, { positionals, flags }) => {
  const [name, ...rest] = positionals
  const scope = flags.scope
  if (!name || rest.length > 0 || typeof scope !== 'string') throw new UsageError(USAGE)
  if (!isApiKeyScope(scope)) throw new UsageError(`--scope must be retailer or helpdesk, got "${scope}"\n${USAGE}`)
  const key = await issueApiKey(await ctx.db(), { name, scope, now: ctx.clock.now() })
  ctx.out(key)
  const routes = scope === 'retailer' ? 'GET /api/refunds and GET /api/purchasing/documents' : 'GET /api/helpdesk/orders'
  ctx.err(`new ${scope} API key "${name}" (an earlier key of that name no longer works); shown once: send it as "Authorization: Bearer <key>" to ${routes}`)
  return 0
}

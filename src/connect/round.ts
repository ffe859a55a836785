/**
 * One round of the platforms job (every 15 s on a worker): plan what the shops need to hear, then
 * tell them. Nothing to do — no shop connected — costs one small query.
 */
import type { Db } from '../store/db.ts'
import type { Config } from '../config.ts'
import { clientFor } from './clients.ts'
import { connectionById, type Connection } from './connections.ts'
import { planPlatformCalls, pushPlatformCalls, type PlanResult, type PushResult } from './outbox.ts'
import type { PlatformClient } from './platform.ts'

export interface RoundOptions {
  now: () => Date
  config: Pick<Config, 'shopifyApiUrl' | 'publicUrl'>
  secret: string
  log?: (s: string) => void
  sleep?: (ms: number) => Promise<void>
}

export async function platformRound(db: Db, opts: RoundOptions): Promise<{ planned: PlanResult; pushed: PushResult } | { connections: 0 }> {
  const active = await db.query<{ connection_id: number }>(`SELECT connection_id FROM platform_connections WHERE status = 'active'`)
  if (active.length === 0) return { connections: 0 }
  const planned = await planPlatformCalls(db, { now: opts.now(), publicUrl: opts.config.publicUrl })
  const connections = new Map<number, Connection>()
  const clients = new Map<number, PlatformClient | null>()
  for (const { connection_id } of active) {
    const c = await connectionById(db, connection_id)
    connections.set(connection_id, c)
    try {
      clients.set(connection_id, clientFor(c, { config: opts.config, secret: opts.secret, sleep: opts.sleep }))
    } catch (err) {
      opts.log?.(`${c.platform} ${c.shop}: ${(err as Error).message}`)
      clients.set(connection_id, null)
    }
  }
  const pushed = await pushPlatformCalls(db, { now: opts.now, connections, clientFor: (c) => clients.get(c.connectionId) ?? null, log: opts.log })
  return { planned, pushed }
}

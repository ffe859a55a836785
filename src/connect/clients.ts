/**
 * A connection's platform client, from its sealed credentials. Each platform's client module is
 * loaded when a connection of that platform is first used.
 */
import type { Config } from '../config.ts'
import type { Connection, ShopifyCredentials, WooCredentials } from './connections.ts'
import { credentialsOf } from './connections.ts'
import type { PlatformClient } from './platform.ts'
import { createShopifyClient } from './shopify/client.ts'
import { createWooClient } from './woocommerce/client.ts'

export interface ClientSettings {
  config: Pick<Config, 'shopifyApiUrl'>
  secret: string
  sleep?: (ms: number) => Promise<void>
}

export function clientFor(conn: Connection & { sealed: string }, s: ClientSettings): PlatformClient {
  if (conn.platform === 'shopify') {
    const c = credentialsOf<ShopifyCredentials>(conn, s.secret)
    return createShopifyClient({ shop: conn.shop, token: c.token, apiUrl: s.config.shopifyApiUrl ?? null, sleep: s.sleep })
  }
  const c = credentialsOf<WooCredentials>(conn, s.secret)
  return createWooClient({ url: conn.shop, consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, sleep: s.sleep })
}

import type { Command } from './context.ts'

/**
 * Each command's module is loaded when it runs, not before: `wismo status` need not load the
 * HTTP server, the pages and the mail templates (a CLI call starts in a fraction of the time).
 */
const lazy = (load: () => Promise<Command>): Command => async (ctx, args) => (await load())(ctx, args)

export const commands: Record<string, Command> = {
  serve: lazy(() => import('./serve.ts').then((m) => m.serveCommand)),
  demo: lazy(() => import('./demo.ts').then((m) => m.demoCommand)),
  import: lazy(() => import('./import.ts').then((m) => m.importCommand)),
  ingest: lazy(() => import('./ingest.ts').then((m) => m.ingestCommand)),
  'ingest-carrier': lazy(() => import('./ingest-carrier.ts').then((m) => m.ingestCarrierCommand)),
  profile: lazy(() => import('./profile.ts').then((m) => m.profileCommand)),
  feeds: lazy(() => import('./feeds.ts').then((m) => m.feedsCommand)),
  tracking: lazy(() => import('./tracking.ts').then((m) => m.trackingCommand)),
  status: lazy(() => import('./status.ts').then((m) => m.statusCommand)),
  sweep: lazy(() => import('./sweep.ts').then((m) => m.sweepCommand)),
  tasks: lazy(() => import('./tasks.ts').then((m) => m.tasksCommand)),
  worker: lazy(() => import('./worker.ts').then((m) => m.workerCommand)),
  notifications: lazy(() => import('./notifications.ts').then((m) => m.notificationsCommand)),
  'supplier-key': lazy(() => import('./supplier-key.ts').then((m) => m.supplierKeyCommand)),
  choose: lazy(() => import('./choose.ts').then((m) => m.chooseCommand)),
  'api-key': lazy(() => import('./api-key.ts').then((m) => m.apiKeyCommand)),
  refunds: lazy(() => import('./refunds.ts').then((m) => m.refundsCommand)),
  equivalents: lazy(() => import('./equivalents.ts').then((m) => m.equivalentsCommand)),
  ftc: lazy(() => import('./ftc.ts').then((m) => m.ftcCommand)),
  user: lazy(() => import('./user.ts').then((m) => m.userCommand)),
  accuracy: lazy(() => import('./accuracy.ts').then((m) => m.accuracyCommand)),
  replay: lazy(() => import('./replay.ts').then((m) => m.replayCommand)),
  simulate: lazy(() => import('./simulate.ts').then((m) => m.simulateCommand)),
  connect: lazy(() => import('./connect.ts').then((m) => m.connectCommand)),
  sync: lazy(() => import('./connect.ts').then((m) => m.syncCommand)),
  transport: lazy(() => import('./transport.ts').then((m) => m.transportCommand)),
}

export const USAGE = `usage: wismo <command> [options]

commands:
  serve [--port 3000]                 HTTP API, docs, pages and the background workers
  worker                              background workers only (scale out on PostgreSQL)
  demo                                load a realistic demo data set
  import suppliers|products|offers|equivalents|orders FILE.csv
  ingest FILE [--supplier ID] [--ack-out FILE]
                                      a supplier feed: X12 855/856/870/846, CSV or XLSX
  ingest FILE --supplier ID --dry-run [--json]
                                      how each row reads (under the supplier's profile); changes nothing
  profile set SUPPLIER FILE.json      a supplier's feed profile: its columns, status words, dates, units
  profile show|remove SUPPLIER
  ingest-carrier FILE.json            carrier events (JSON array or NDJSON)
  feeds [--json]                      feeds received and their outcome
  tracking NUMBER… [--json]           each tracking number's carrier and tracking page
  status ORDER [--json]               an order's status (rep view)
  sweep [--json]                      one monitoring pass now (states, supplier check, mail)
  tasks [--json]                      the rep worklist, most urgent first
  notifications [--order N] [--json]  messages queued and sent
  ftc ORDER [--json]                  the order's delay-notice record (FTC rule), line by line
  accuracy [--from DATE] [--to DATE] [--by supplier|carrier|lane|source] [--json]
                                      how often the dates stated came true (default: 30 days to today)
  replay DIR [--sweep-every 6h] [--by supplier|carrier|lane|source] [--json]
                                      replay a recorded history (DIR/manifest.csv) at its own times,
                                      messages to the outbox folder; then the accuracy report
  simulate --days N --out DIR [--seed 1] [--start DAY] [--orders-per-day 10]
                                      write such a folder for a made-up retailer, the truth beside it
  connect shopify --shop NAME.myshopify.com --token TOKEN --webhook-secret SECRET [--refunds platform|record] [--since DATE] [--no-sync] [--no-webhooks]
  connect woocommerce --url https://SHOP --key CK --secret CS --webhook-secret SECRET [--refunds platform|record] [--since DATE] [--no-sync]
                                      connect a store: credentials kept sealed, recent orders backfilled
  connect status [--json]             each connected shop: last sync, last webhook, calls due and failed, errors
  sync shopify|woocommerce [--shop SHOP] [--since DATE]
                                      backfill the shop's orders (resumes a sync that stopped)
  transport set SUPPLIER sftp://user@host:port/path [--key FILE] [--password-stdin] [--archive DIR] [--outbound DIR] [--every 15m]
                                      a supplier's SFTP server or VAN mailbox (password: stdin or WISMO_SFTP_PASSWORD)
  transport list [--json]             each transport with its health
  transport poll [SUPPLIER]           one poll now
  transport trust SUPPLIER            accept a changed host key after checking it with the supplier
  supplier-key SUPPLIER               issue a supplier's API key for POST /api/suppliers/ID/feeds
  choose ORDER LINE wait|cancel|switch [SKU] [--accept-price] [--rep EMAIL] [--json]
                                      record a customer's choice for a backordered line
  api-key NAME --scope retailer|helpdesk
                                      issue an API key (refunds, purchasing documents, helpdesk)
  refunds [--order N] [--json]        refunds due to customers
  equivalents suggest [--json]        equivalents of other brands for a rep to confirm
  equivalents confirm SKU EQUIVALENT_SKU
                                      confirm one (then offered to customers)
  user add EMAIL --role rep|admin     a console user (password asked, or one line on stdin);
                                      a new password or role ends the user's sessions
  user remove EMAIL                   remove a console user (and their sessions)
  user sessions revoke EMAIL          end every session of a console user

global options (before or after the command):
  --db DIR        embedded database folder (default ./data; env WISMO_DATA_DIR)
  --now ISO       the time to act at (env WISMO_NOW)
  DATABASE_URL=postgres://…  use a PostgreSQL server instead of the embedded database`

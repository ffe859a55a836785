import type { Command } from './context.ts'
import { importCommand } from './import.ts'
import { ingestCommand } from './ingest.ts'
import { ingestCarrierCommand } from './ingest-carrier.ts'
import { feedsCommand } from './feeds.ts'
import { statusCommand } from './status.ts'
import { serveCommand } from './serve.ts'
import { demoCommand } from './demo.ts'
import { sweepCommand } from './sweep.ts'
import { tasksCommand } from './tasks.ts'
import { workerCommand } from './worker.ts'
import { notificationsCommand } from './notifications.ts'
import { supplierKeyCommand } from './supplier-key.ts'
import { trackingCommand } from './tracking.ts'
import { chooseCommand } from './choose.ts'
import { apiKeyCommand } from './api-key.ts'
import { refundsCommand } from './refunds.ts'
import { equivalentsCommand } from './equivalents.ts'
import { ftcCommand } from './ftc.ts'
import { userCommand } from './user.ts'

export const commands: Record<string, Command> = {
  serve: serveCommand,
  demo: demoCommand,
  import: importCommand,
  ingest: ingestCommand,
  'ingest-carrier': ingestCarrierCommand,
  feeds: feedsCommand,
  tracking: trackingCommand,
  status: statusCommand,
  sweep: sweepCommand,
  tasks: tasksCommand,
  worker: workerCommand,
  notifications: notificationsCommand,
  'supplier-key': supplierKeyCommand,
  choose: chooseCommand,
  'api-key': apiKeyCommand,
  refunds: refundsCommand,
  equivalents: equivalentsCommand,
  ftc: ftcCommand,
  user: userCommand,
}

export const USAGE = `usage: wismo <command> [options]

commands:
  serve [--port 3000]                 HTTP API, docs, pages and the background workers
  worker                              background workers only (scale out on PostgreSQL)
  demo                                load a realistic demo data set
  import suppliers|products|offers|equivalents|orders FILE.csv
  ingest FILE [--supplier ID] [--ack-out FILE]
                                      a supplier feed: X12 855/856/870/846 or CSV
  ingest-carrier FILE.json            carrier events (JSON array or NDJSON)
  feeds [--json]                      feeds received and their outcome
  tracking NUMBER… [--json]           each tracking number's carrier and tracking page
  status ORDER [--json]               an order's status (rep view)
  sweep [--json]                      one monitoring pass now (states, supplier check, mail)
  tasks [--json]                      the rep worklist, most urgent first
  notifications [--order N] [--json]  messages queued and sent
  ftc ORDER [--json]                  the order's delay-notice record (FTC rule), line by line
  supplier-key SUPPLIER               issue a supplier's API key for POST /api/suppliers/ID/feeds
  choose ORDER LINE wait|cancel|switch [SKU] [--accept-price] [--rep EMAIL] [--json]
                                      record a customer's choice for a backordered line
  api-key NAME --scope retailer|helpdesk
                                      issue an API key (refunds, purchasing documents, helpdesk)
  refunds [--order N] [--json]        refunds due to customers
  equivalents suggest [--json]        equivalents of other brands for a rep to confirm
  equivalents confirm SKU EQUIVALENT_SKU
                                      confirm one (then offered to customers)
  user add EMAIL --role rep|admin     a console user (password asked, or one line on stdin)

global options (before or after the command):
  --db DIR        embedded database folder (default ./data; env WISMO_DATA_DIR)
  --now ISO       the time to act at (env WISMO_NOW)
  DATABASE_URL=postgres://…  use a PostgreSQL server instead of the embedded database`

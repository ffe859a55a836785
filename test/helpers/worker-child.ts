// A real worker process for the connection tests: the workers with their own timers on the
// PostgreSQL schema it is given (queue in `<schema>_boss`), logging to stdout; SIGTERM stops it.
import { openDb } from '../../src/store/db.ts'
import { startWorkers } from '../../src/jobs/queue.ts'
import { systemClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'

const schema = process.env.TEST_WORKER_SCHEMA!
const db = await openDb({ url: process.env.TEST_WORKER_URL!, schema, poolSize: 4 })
const workers = await startWorkers(db, {
  clock: systemClock,
  config: loadConfig(process.env),
  schema: `${schema}_boss`,
  log: (s) => process.stdout.write(`${s}\n`),
})
process.stdout.write('ready\n')
process.once('SIGTERM', async () => {
  await workers.stop()
  await db.close()
  process.stdout.write('stopped\n')
})

import fs from 'node:fs'
import { createHash } from 'node:crypto'
import path from 'node:path'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { createPgConfig } from '@electric-sql/pglite/node-postgres'
import { DomainError } from '../domain/errors.ts'
import { lockDataDir, type DirLock } from './lock.ts'
import { migrate } from './migrate.ts'

// int8 and numeric come back as strings from pg by default; wismo's counts and money fit in a double.
pg.types.setTypeParser(20, (v) => Number(v))
pg.types.setTypeParser(1700, (v) => Number(v))
// `date` stays a plain YYYY-MM-DD string: no time zone ever gets near a calendar day.
pg.types.setTypeParser(1082, (v) => v)

export type Row = Record<string, unknown>

/** The one narrow interface every store function uses: parameterized SQL, nothing else. */
export interface Queryable {
  query<T = Row>(text: string, values?: unknown[]): Promise<T[]>
}

export interface Db extends Queryable {
  /** Runs fn in one transaction; everything it writes lands together or not at all. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /** A pg Pool on the same database (for libraries such as a job queue). */
  readonly pool: pg.Pool
  readonly kind: 'pglite' | 'postgres'
  close(): Promise<void>
}

export interface OpenDbOptions {
  /** postgres://… for a server; wins over dataDir. */
  url?: string
  /** Folder of the embedded PGlite database; `memory://` for a throw-away one. */
  dataDir?: string
  /** Server only: a schema to create and use (tests run each in their own). */
  schema?: string
  /** Server only: pool size. */
  poolSize?: number
  /** Apply migrations on open (default true). */
  migrate?: boolean
  /** PGlite only: start from a dumped data dir (tests clone a migrated template). */
  loadDataDir?: Blob
}

function wrap(pool: pg.Pool, kind: Db['kind'], onClose: () => Promise<void>): Db {
  const query = async <T,>(client: pg.Pool | pg.PoolClient, text: string, values?: unknown[]) => {
    try {
      // Parameterized statements are prepared once per connection (named by their text), so a
      // lookup repeated thousands of times is planned once, not every time.
      const res = values && values.length > 0 ? await client.query({ name: statementName(text), text, values }) : await client.query(text)
      return res.rows as T[]
    } catch (err) {
      throw annotate(err, text)
    }
  }
  return {
    kind,
    pool,
    query: (text, values) => query(pool, text, values),
    async transaction(fn) {
      const client = await pool.connect()
      // A checked-out client has no 'error' listener of the pool's: when the server ends the
      // session (pg_terminate_backend, a restart, a dropped network) the client emits 'error',
      // which would end the process. Note it instead; the transaction fails and the client is
      // thrown away rather than handed out again.
      let broken: Error | null = null
      const onError = (err: Error) => (broken = err)
      client.on('error', onError)
      try {
        await client.query('BEGIN')
        const result = await fn({ query: (text, values) => query(client, text, values) })
        await client.query('COMMIT')
        return result
      } catch (err) {
        if (!broken) await client.query('ROLLBACK').catch((e: Error) => (broken = e))
        throw err
      } finally {
        // A broken client keeps the listener: the socket's own end may still report an error.
        if (!broken) client.removeListener('error', onError)
        client.release(broken ?? undefined)
      }
    },
    async close() {
      await pool.end()
      await onClose()
    },
  }
}

const names = new Map<string, string>()
function statementName(text: string): string {
  let name = names.get(text)
  if (!name) {
    name = `w_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`
    names.set(text, name)
  }
  return name
}

function annotate(err: unknown, text: string): Error {
  const e = err instanceof Error ? err : new Error(String(err))
  ;(e as Error & { sql?: string }).sql = text
  return e
}

/** Opens the database wismo is configured for and brings its schema up to date. */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  let db: Db
  if (opts.url) {
    const options = opts.schema ? `-c search_path=${opts.schema}` : undefined
    // A URL without a user name (postgres://127.0.0.1/test) means the usual default role.
    const parsed = new URL(opts.url)
    if (!parsed.username) parsed.username = process.env.PGUSER ?? 'postgres'
    const url = parsed.toString()
    if (opts.schema) {
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema.replace(/"/g, '')}"`)
      await admin.end()
    }
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, options })
    pool.on('error', () => {}) // idle-client errors surface on the next query instead of crashing
    db = wrap(pool, 'postgres', async () => {})
  } else {
    const dataDir = opts.dataDir ?? './data'
    let lock: DirLock | null = null
    if (!dataDir.startsWith('memory://')) {
      fs.mkdirSync(dataDir, { recursive: true })
      lock = lockDataDir(path.resolve(dataDir))
    }
    let pglite: PGlite
    try {
      pglite = await PGlite.create(dataDir, opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {})
    } catch (err) {
      lock?.release()
      throw new DomainError('DB_OPEN_FAILED', `cannot open the embedded database in ${dataDir}: ${(err as Error).message}`, { cause: err })
    }
    const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig)
    pool.on('error', () => {}) // as for a server: an idle client's error surfaces on the next query
    db = wrap(pool, 'pglite', async () => {
      await pglite.close()
      lock?.release()
    })
    ;(db as Db & { pglite?: PGlite }).pglite = pglite
  }
  if (opts.migrate !== false) {
    try {
      await migrate(db)
    } catch (err) {
      await db.close().catch(() => {})
      throw err
    }
  }
  return db
}

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

export interface TransactionOptions {
  /**
   * Attempts in all when PostgreSQL aborts the transaction as a deadlock (40P01) or a
   * serialization failure (40001), with a growing, jittered pause between them (default 1: no
   * retry). Only for a fn that can simply run again: it must keep no state outside the database.
   */
  attempts?: number
}

/** One connection held for a while: its transactions, and locks that end with it. */
export interface Session extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>
  /**
   * Takes the lock on `id` in `space` unless someone alive holds it (false). It lasts until
   * `unlock` or the end of the session — on PostgreSQL an advisory lock, which a killed process
   * loses with its connection; on PGlite, which one process owns, a lock of this process.
   */
  tryLock(space: string, id: number): Promise<boolean>
  unlock(space: string, id: number): Promise<void>
}

export interface Db extends Queryable {
  /** Runs fn in one transaction; everything it writes lands together or not at all. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>
  /** Runs fn on one connection of its own (PGlite: the only one), released when fn ends. */
  session<T>(fn: (s: Session) => Promise<T>): Promise<T>
  /** A pg Pool on the same database (for libraries such as a job queue). */
  readonly pool: pg.Pool
  readonly kind: 'pglite' | 'postgres'
  /** The embedded database's folder on disk (absolute); undefined for a server or `memory://`. */
  readonly dataDir?: string
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
  /**
   * PGlite only: shared_buffers in MB (PostgreSQL's default, 128, when unset). The embedded
   * server touches its whole buffer pool when it starts, so this is resident from the first
   * query on and never given back; its data files are ordinary files the OS caches as well.
   */
  sharedBuffersMB?: number
}

type Client = pg.Pool | pg.PoolClient

function wrap(pool: pg.Pool, kind: Db['kind'], onClose: () => Promise<void>, dataDir?: string): Db {
  const query = async <T,>(client: Client, text: string, values?: unknown[]) => {
    try {
      // Parameterized statements are prepared once per connection (named by their text), so a
      // lookup repeated thousands of times is planned once, not every time.
      const res = values && values.length > 0 ? await client.query({ name: statementName(text), text, values }) : await client.query(text)
      return res.rows as T[]
    } catch (err) {
      throw annotate(err, text)
    }
  }
  // One connection runs one statement at a time: queries issued together on a transaction's
  // client (a Promise.all) are chained here rather than left to pg's deprecated implicit queue.
  const on = (client: Client): Queryable => {
    let tail: Promise<unknown> = Promise.resolve()
    return {
      query: <T,>(text: string, values?: unknown[]) => {
        const run = tail.then(() => query<T>(client, text, values))
        tail = run.catch(() => undefined)
        return run
      },
    }
  }
  // PGlite is one session owned by this process: its "locks" are this process's own.
  const held = new Set<string>()
  const db: Db = {
    kind,
    pool,
    dataDir,
    query: (text, values) => query(pool, text, values),
    transaction: (fn, opts) =>
      withRetry(opts, async () => {
        const c = await checkout(pool)
        try {
          return await inTransaction(c.client, on(c.client), fn)
        } finally {
          c.release()
        }
      }),
    async session(fn) {
      if (kind === 'pglite') {
        return fn({
          query: db.query,
          transaction: db.transaction,
          tryLock: async (space, id) => (held.has(`${space}:${id}`) ? false : (held.add(`${space}:${id}`), true)),
          unlock: async (space, id) => void held.delete(`${space}:${id}`),
        })
      }
      const c = await checkout(pool)
      const q = on(c.client)
      const mine = new Set<string>()
      try {
        return await fn({
          query: q.query,
          transaction: (f, opts) => withRetry(opts, () => inTransaction(c.client, q, f)),
          async tryLock(space, id) {
            const [r] = await q.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [space, id])
            if (r.ok) mine.add(`${space}:${id}`)
            return r.ok
          },
          async unlock(space, id) {
            if (mine.delete(`${space}:${id}`)) await q.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [space, id])
          },
        })
      } catch (err) {
        c.fail()
        throw err
      } finally {
        // A pooled connection must never keep a lock: it would outlive the work it guarded.
        if (mine.size > 0 && !c.broken()) await c.client.query('SELECT pg_advisory_unlock_all()').catch(() => c.fail())
        c.release()
      }
    },
    async close() {
      await pool.end()
      await onClose()
    },
  }
  return db
}

// Advisory locks are per database; the schema is in the key so that schemas (one per test) never share one.
const LOCK_KEY = `hashtext($1::text || ':' || current_schema()), ($2::bigint % 2147483647)::int`

/**
 * A checked-out client with an 'error' listener. A checked-out client has no listener of the
 * pool's: when the server ends the session (pg_terminate_backend, a restart, a dropped network)
 * the client emits 'error', which would end the process. Note it instead; the work fails and a
 * client that failed is thrown away rather than handed out again.
 */
async function checkout(pool: pg.Pool) {
  const client = await pool.connect()
  let broken: Error | null = null
  let failed = false
  const onError = (err: Error) => (broken = err)
  client.on('error', onError)
  return {
    client,
    broken: () => broken !== null || failed,
    fail: () => void (failed = true),
    release() {
      // A broken client keeps the listener: the socket's own end may still report an error.
      if (!broken) client.removeListener('error', onError)
      client.release(broken ?? (failed ? true : undefined))
    },
  }
}

async function inTransaction<T>(client: pg.PoolClient, q: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await client.query('BEGIN')
  try {
    const result = await fn(q)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  }
}

const RETRYABLE = new Set(['40P01', '40001'])

/** True for a deadlock or a serialization failure: the same transaction may well succeed again. */
export function isRetryable(err: unknown): boolean {
  return RETRYABLE.has((err as { code?: string })?.code ?? '')
}

async function withRetry<T>(opts: TransactionOptions | undefined, run: () => Promise<T>): Promise<T> {
  const attempts = Math.max(1, opts?.attempts ?? 1)
  for (let n = 1; ; n++) {
    try {
      return await run()
    } catch (err) {
      if (n >= attempts || !isRetryable(err)) throw err
      // Both sides of a deadlock were aborted or one was: pause a little, differently, and go again.
      await new Promise((r) => setTimeout(r, Math.min(2000, 20 * 2 ** n) * (0.5 + Math.random())))
    }
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
      pglite = await PGlite.create(dataDir, {
        ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
        // On the command line, as PGlite starts its server: postgresql.conf is left as it is.
        ...(opts.sharedBuffersMB
          ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${Math.max(1, Math.round(opts.sharedBuffersMB))}MB`] }
          : {}),
      })
    } catch (err) {
      lock?.release()
      throw new DomainError('DB_OPEN_FAILED', `cannot open the embedded database in ${dataDir}: ${(err as Error).message}`, { cause: err })
    }
    const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig)
    pool.on('error', () => {}) // as for a server: an idle client's error surfaces on the next query
    db = wrap(pool, 'pglite', async () => {
      await pglite.close()
      lock?.release()
    }, lock ? path.resolve(dataDir) : undefined)
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

import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { openDb, type Db } from '../../src/store/db.ts'

/**
 * A fresh, migrated database for one test: a PGlite cloned from a migrated template (creating
 * one from scratch takes seconds), or, when TEST_DATABASE_URL is set, a new schema on that server.
 */
let template: Promise<Blob> | null = null

async function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openDb({ dataDir: 'memory://' })
    const pglite = (db as Db & { pglite: PGlite }).pglite
    const blob = await pglite.dumpDataDir('none')
    await db.close()
    return blob
  })()
  return template
}

export const serverUrl = process.env.TEST_DATABASE_URL || undefined

export async function freshDb(): Promise<Db> {
  if (serverUrl) {
    const schema = `t_${randomBytes(6).toString('hex')}`
    const db = await openDb({ url: serverUrl, schema, poolSize: 4 })
    const close = db.close.bind(db)
    return Object.assign(db, {
      async close() {
        await db.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => {})
        await close()
      },
      schema,
    })
  }
  return openDb({ dataDir: 'memory://', loadDataDir: await pgliteTemplate() })
}

/** Environment for a child `wismo` process pointing at a fresh database of the same kind. */
export async function freshDbEnv(dataDir: string): Promise<Record<string, string>> {
  if (serverUrl) {
    const schema = `t_${randomBytes(6).toString('hex')}`
    const url = new URL(serverUrl)
    url.searchParams.set('options', `-c search_path=${schema}`)
    const db = await openDb({ url: serverUrl, schema, migrate: false })
    await db.close()
    return { DATABASE_URL: url.toString(), WISMO_DATA_DIR: dataDir }
  }
  return { WISMO_DATA_DIR: dataDir }
}

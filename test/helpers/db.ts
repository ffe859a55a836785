import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { openDb, type Db } from '../../src/store/db.ts'

/**
 * A fresh, migrated database for one test: a PGlite cloned from a migrated template (creating
 * one from scratch takes seconds), or, when TEST_DATABASE_URL is set, a new schema on that server.
 */
let template: Promise<Blob> | null = null

const storeDir = path.join(import.meta.dirname, '../../src/store')

/**
 * What the template is made of: every migration, the code that applies them and PGlite's version.
 * Test files run in processes of their own; each used to migrate its own template (seconds of
 * CPU, ~160 times a suite run). The first to need it writes it to the temporary folder, keyed by
 * this digest, and the others read it — a changed migration is a new key, never a stale template.
 */
function templateKey(): string {
  const h = createHash('sha256')
  h.update(fs.readFileSync(path.join(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json')))
  const files = [path.join(storeDir, 'migrate.ts'), path.join(storeDir, 'db.ts'),
    ...fs.readdirSync(path.join(storeDir, 'migrations')).sort().map((f) => path.join(storeDir, 'migrations', f))]
  for (const f of files) h.update(`\0${path.basename(f)}\0`).update(fs.readFileSync(f))
  return h.digest('hex').slice(0, 24)
}

async function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const file = path.join(os.tmpdir(), `wismo-test-template-${templateKey()}.tar`)
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)])
    const db = await openDb({ dataDir: 'memory://' })
    const pglite = (db as Db & { pglite: PGlite }).pglite
    const blob = await pglite.dumpDataDir('none')
    await db.close()
    // Written aside and renamed: another process never reads half a template.
    const part = `${file}.${process.pid}.part`
    fs.writeFileSync(part, Buffer.from(await blob.arrayBuffer()))
    fs.renameSync(part, file)
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
  // The child finds its embedded database already migrated (from the template), as a second
  // start would: migrating 140-odd files in every child process was most of a CLI test's time.
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(dataDir, { recursive: true })
    const pglite = await PGlite.create(dataDir, { loadDataDir: await pgliteTemplate() })
    await pglite.close()
  }
  return { WISMO_DATA_DIR: dataDir }
}

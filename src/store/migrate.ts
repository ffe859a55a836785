import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from './db.ts'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

/** Applies every `NNN_name.sql` in migrations/ not applied yet, each in its own transaction. */
export async function migrate(db: Db): Promise<string[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
  const done = new Set((await db.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version))
  const files = fs.readdirSync(dir).filter((f) => /^\d+_.*\.sql$/.test(f)).sort()
  const applied: string[] = []
  for (const file of files) {
    const version = file.replace(/\.sql$/, '')
    if (done.has(version)) continue
    const sql = fs.readFileSync(path.join(dir, file), 'utf8')
    await db.transaction(async (tx) => {
      // Two processes starting at once against one server: the advisory lock lets one migrate.
      if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(4242)')
      const again = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version])
      if (again.length > 0) return
      await tx.query(sql)
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version])
    })
    applied.push(version)
  }
  return applied
}

import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../src/config.ts'
import { openDb, type Db } from '../../src/store/db.ts'
import { loadSigningSecret } from '../../src/store/secret.ts'
import { freshDb, serverUrl } from '../helpers/db.ts'

// The constant every install used to sign with when WISMO_SECRET was unset.
const OLD_CONSTANT = 'wismo-development-secret-change-me'

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(e.name) ? [p] : []
  })
}

test('with WISMO_SECRET unset the configuration holds no secret, and no constant secret is left in src/', () => {
  assert.equal(loadConfig({}).secret, undefined)
  assert.equal(loadConfig({ WISMO_SECRET: 'a-long-operator-secret-0123' }).secret, 'a-long-operator-secret-0123')
  const holding = sourceFiles('src').filter((f) => fs.readFileSync(f, 'utf8').includes(OLD_CONSTANT))
  assert.deepEqual(holding, [])
})

test('the embedded database generates its secret once, in a file only its owner can read', { skip: Boolean(serverUrl) }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-secret-'))
  try {
    const first = await openDb({ dataDir: dir })
    const a = await loadSigningSecret(first).finally(() => first.close())
    const file = path.join(dir, 'wismo.secret')
    assert.deepEqual([a.source, a.where, a.created], ['file', file, true])
    assert.ok(a.value.length >= 43, 'at least 256 random bits')
    assert.notEqual(a.value, OLD_CONSTANT)
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'not readable by group or others')
    const second = await openDb({ dataDir: dir })
    const b = await loadSigningSecret(second).finally(() => second.close())
    assert.deepEqual([b.value, b.created], [a.value, false])
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-secret-'))
    const third = await openDb({ dataDir: other })
    const c = await loadSigningSecret(third).finally(() => third.close())
    fs.rmSync(other, { recursive: true, force: true })
    assert.notEqual(c.value, a.value, 'each install has its own')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a secret file others can read is made private; a broken one is refused with its name', { skip: Boolean(serverUrl) }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-secret-'))
  const file = path.join(dir, 'wismo.secret')
  try {
    fs.writeFileSync(file, `${'k'.repeat(43)}\n`, { mode: 0o644 })
    fs.chmodSync(file, 0o644)
    const db = await openDb({ dataDir: dir })
    try {
      assert.equal((await loadSigningSecret(db)).value, 'k'.repeat(43))
      assert.equal(fs.statSync(file).mode & 0o777, 0o600)
    } finally {
      await db.close()
    }
    fs.writeFileSync(file, 'short')
    const again = await openDb({ dataDir: dir })
    try {
      await assert.rejects(loadSigningSecret(again), (err: Error) => err.message.includes(file) && /too short|at least/.test(err.message))
    } finally {
      await again.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('WISMO_SECRET wins over the kept secret, and nothing is generated for it', async () => {
  const db = await freshDb()
  try {
    const s = await loadSigningSecret(db, 'an-operator-secret-0123456789')
    assert.deepEqual([s.value, s.source, s.created], ['an-operator-secret-0123456789', 'environment', false])
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM settings WHERE name = 'secret'`)
    assert.equal(n, 0)
  } finally {
    await db.close()
  }
})

test('without a folder (a server, or memory) the secret is kept in the database; processes starting at once agree', async () => {
  const db = await freshDb()
  const schema = (db as Db & { schema?: string }).schema
  // On a server: two more "processes" (pools of their own) on the same schema, all asking at once.
  const others = serverUrl ? await Promise.all([1, 2].map(() => openDb({ url: serverUrl!, schema, migrate: false, poolSize: 2 }))) : []
  try {
    const all = await Promise.all([db, ...others].map((d) => loadSigningSecret(d)))
    assert.equal(new Set(all.map((s) => s.value)).size, 1, 'one secret for all of them')
    assert.ok(all.every((s) => s.source === 'database'))
    assert.equal(all.filter((s) => s.created).length, 1, 'exactly one of them generated it')
    assert.ok(all[0].value.length >= 43)
    const rows = await db.query<{ value: string }>(`SELECT value FROM settings WHERE name = 'secret'`)
    assert.deepEqual(rows.map((r) => r.value), [all[0].value])
    // Asked again (a restart): the same.
    const later = serverUrl ? await openDb({ url: serverUrl, schema, migrate: false, poolSize: 1 }) : db
    assert.equal((await loadSigningSecret(later)).value, all[0].value)
    if (later !== db) await later.close()
  } finally {
    await Promise.all(others.map((d) => d.close()))
    await db.close()
  }
})

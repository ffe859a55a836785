/**
 * The signing secret: it keys the customers' choice links, unsubscribe links and lookup cookie.
 * `WISMO_SECRET` when set; otherwise one generated on first use (256 random bits) and kept with
 * the database, so that every command and process on one database signs alike:
 * - the embedded database: the file `wismo.secret` in its folder, mode 0600;
 * - a PostgreSQL server (or a `memory://` PGlite): the row `secret` of the `settings` table.
 * There is no built-in fallback: a constant in the source would let anyone forge links.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Db } from './db.ts'
import { DomainError } from '../domain/errors.ts'

export const SECRET_FILE = 'wismo.secret'
/** A kept secret shorter than this was not written by wismo (which writes 43 characters). */
const MIN_KEPT_LENGTH = 32

export interface SigningSecret {
  value: string
  source: 'environment' | 'file' | 'database'
  /** The file, or a description of the table, where it is kept; null when it comes from the environment. */
  where: string | null
  /** True when this call generated it. */
  created: boolean
}

const generate = () => randomBytes(32).toString('base64url')

// One read per database object: the app, the workers and a command share it.
const kept = new WeakMap<Db, Promise<SigningSecret>>()

/** The secret to sign with: `override` (WISMO_SECRET) when given, else the one kept for `db`. */
export async function loadSigningSecret(db: Db, override?: string): Promise<SigningSecret> {
  if (override) return { value: override, source: 'environment', where: null, created: false }
  let p = kept.get(db)
  if (!p) {
    p = db.dataDir ? Promise.resolve().then(() => keptInFile(path.join(db.dataDir!, SECRET_FILE))) : keptInDatabase(db)
    kept.set(db, p)
    // A failure (the database away for a moment) is not remembered: the next call tries again.
    p.catch(() => kept.delete(db))
  }
  return p
}

/** Only the value of `loadSigningSecret`. */
export async function signingSecret(db: Db, override?: string): Promise<string> {
  return (await loadSigningSecret(db, override)).value
}

/** One line for the start-up output: where the secret comes from, and how to set one's own. */
export function describeSigningSecret(s: SigningSecret): string {
  if (s.source === 'environment') return 'signing secret: WISMO_SECRET'
  return `signing secret: ${s.created ? 'generated and ' : ''}kept in ${s.where}; set WISMO_SECRET to use your own instead`
}

async function keptInDatabase(db: Db): Promise<SigningSecret> {
  const where = 'the database (table settings)'
  const candidate = generate()
  // Of processes starting at once, one INSERT wins; the others wait for it, do nothing, and read its row.
  const inserted = await db.query(`INSERT INTO settings (name, value) VALUES ('secret', $1) ON CONFLICT (name) DO NOTHING RETURNING name`, [candidate])
  if (inserted.length > 0) return { value: candidate, source: 'database', where, created: true }
  const [row] = await db.query<{ value: string }>(`SELECT value FROM settings WHERE name = 'secret'`)
  if (!row || row.value.length < MIN_KEPT_LENGTH) {
    throw new DomainError('SECRET_KEPT_INVALID', `the signing secret in ${where} is missing or shorter than ${MIN_KEPT_LENGTH} characters; delete the row to generate a new one, or set WISMO_SECRET`)
  }
  return { value: row.value, source: 'database', where, created: false }
}

function keptInFile(file: string): SigningSecret {
  const existing = readKeptFile(file)
  if (existing !== null) return { value: existing, source: 'file', where: file, created: false }
  // Written whole under a temporary name, then linked into place: `link` fails when the name
  // exists, so the file is never seen half-written and a second writer reads the first one's.
  const value = generate()
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const fd = fs.openSync(tmp, 'wx', 0o600)
    try {
      fs.writeSync(fd, `${value}\n`)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.linkSync(tmp, file)
    return { value, source: 'file', where: file, created: true }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotKeep(file, err)
    return { value: readKeptFile(file)!, source: 'file', where: file, created: false }
  } finally {
    fs.rmSync(tmp, { force: true })
  }
}

/** The kept secret, or null when there is no file yet; a file others may read is made private first. */
function readKeptFile(file: string): string | null {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw cannotKeep(file, err)
  }
  const value = text.trim()
  if (value.length < MIN_KEPT_LENGTH) {
    throw new DomainError('SECRET_KEPT_INVALID', `${file} holds no usable signing secret (too short: at least ${MIN_KEPT_LENGTH} characters); delete it to generate a new one (links already sent stop working), or set WISMO_SECRET`)
  }
  return value
}

function cannotKeep(file: string, err: unknown): DomainError {
  return new DomainError('SECRET_KEPT_INVALID', `cannot keep the signing secret in ${file}: ${(err as Error).message}; fix the folder's permissions or set WISMO_SECRET`, { cause: err })
}

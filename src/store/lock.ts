import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { processAlive } from '../util/process.ts'
import { DomainError } from '../domain/errors.ts'

export interface DirLock {
  release(): void
}

/**
 * PGlite will happily let two processes open one folder and corrupt it; this lock stops that.
 *
 * The lock file holds the owner's pid and a random token. It is never seen half-written: the
 * content is written to a temporary file first and hard-linked into place (`link` fails when the
 * name exists, so exactly one process creates it). Taking over a lock whose owner is dead is
 * done under a short takeover guard (itself taken by `link`): the guard holder re-reads the lock,
 * and only if it still names the dead owner renames its own file over it — so the lock file never
 * disappears during a takeover, and two processes that both saw the same stale lock cannot both
 * replace it. Every winner re-reads the file afterwards and must find its own token there.
 */
export function lockDataDir(dir: string): DirLock {
  const file = path.join(dir, 'wismo.lock')
  const content = `${process.pid}\n${randomBytes(8).toString('hex')}\n`
  const tmp = writeTemp(dir, content)
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (tryLink(tmp, file) || tryTakeOver(dir, file, tmp, content)) {
        if (readOrNull(file) !== content) continue // replaced under us (cannot happen while we live; be sure)
        return holding(file, content)
      }
      pause(attempt)
    }
  } finally {
    fs.rmSync(tmp, { force: true })
  }
  throw new DomainError('DB_LOCKED', `could not lock the database folder ${dir}: its lock file ${file} keeps changing`)
}

function holding(file: string, content: string): DirLock {
  let released = false
  const release = () => {
    if (released) return
    released = true
    // Only our own lock is removed: a takeover can only replace a lock whose owner is dead.
    if (readOrNull(file) === content) fs.rmSync(file, { force: true })
  }
  process.once('exit', release)
  return { release }
}

/** The pid in a lock file's content, or null when it names none. */
function ownerOf(content: string | null): number | null {
  const pid = content === null ? Number.NaN : Number.parseInt(content, 10)
  return Number.isInteger(pid) && pid > 0 ? pid : null
}

/** Throws when a live process holds the lock; returns true when its holder is gone. */
function judge(dir: string, content: string | null): boolean {
  const owner = ownerOf(content)
  if (owner === process.pid) throw new DomainError('DB_LOCKED', `the database folder ${dir} is already open in this process`)
  if (owner !== null && processAlive(owner)) {
    throw new DomainError(
      'DB_LOCKED',
      `the database folder ${dir} is in use by another wismo process (pid ${owner}); stop it first, or use PostgreSQL (DATABASE_URL) to run several processes`,
    )
  }
  return true
}

/** A lock file is there: when its owner is dead, replace it under the takeover guard. */
function tryTakeOver(dir: string, file: string, tmp: string, content: string): boolean {
  const seen = readOrNull(file)
  if (seen === null) return false // released meanwhile: try to link again
  judge(dir, seen)
  const guard = `${file}.takeover`
  if (!tryLink(tmp, guard)) {
    clearDeadGuard(guard)
    return false
  }
  try {
    const now = readOrNull(file)
    if (now !== seen) return false // someone else took over first: judge the new holder next round
    fs.renameSync(tmp, file) // atomic replace: the lock file never goes missing
    return true
  } finally {
    if (readOrNull(guard) === content) fs.rmSync(guard, { force: true })
  }
}

/**
 * A guard is held for microseconds; one whose holder died (killed in that window) would block
 * every later takeover, so it is removed when its pid is gone.
 */
function clearDeadGuard(guard: string): void {
  const owner = ownerOf(readOrNull(guard))
  if (owner !== null && owner !== process.pid && !processAlive(owner)) fs.rmSync(guard, { force: true })
}

function writeTemp(dir: string, content: string): string {
  const tmp = path.join(dir, `.wismo.lock.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  fs.writeFileSync(tmp, content, { flag: 'wx' })
  return tmp
}

/** Creates `target` as a link to the complete file `source`; false when `target` exists. */
function tryLink(source: string, target: string): boolean {
  try {
    fs.linkSync(source, target)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4))
/** A short synchronous pause between rounds, so racing processes do not spin in lockstep. */
function pause(attempt: number): void {
  Atomics.wait(sleeper, 0, 0, Math.min(20, 1 + attempt))
}

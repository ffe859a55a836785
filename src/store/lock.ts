import fs from 'node:fs'
import path from 'node:path'
import { processAlive } from '../util/process.ts'
import { DomainError } from '../domain/errors.ts'

export interface DirLock {
  release(): void
}

/**
 * PGlite will happily let two processes open one folder and corrupt it; this lock stops that.
 * The lock file holds the owner's pid; a lock left by a dead process is taken over.
 */
export function lockDataDir(dir: string): DirLock {
  const file = path.join(dir, 'wismo.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx')
      fs.writeSync(fd, `${process.pid}\n`)
      fs.closeSync(fd)
      let released = false
      const release = () => {
        if (released) return
        released = true
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file)
        } catch {
          /* already gone */
        }
      }
      process.once('exit', release)
      return { release }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10)
      if (Number.isFinite(owner) && owner !== process.pid && processAlive(owner)) {
        throw new DomainError(
          'DB_LOCKED',
          `the database folder ${dir} is in use by another wismo process (pid ${owner}); stop it first, or use PostgreSQL (DATABASE_URL) to run several processes`,
        )
      }
      if (owner === process.pid) {
        throw new DomainError('DB_LOCKED', `the database folder ${dir} is already open in this process`)
      }
      fs.rmSync(file, { force: true }) // stale: its owner is gone
    }
  }
  throw new DomainError('DB_LOCKED', `could not lock the database folder ${dir}`)
}

import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { processAlive } from '../util/process.ts'

/**
 * The inbox's file moves, none of which may ever replace a file: a supplier reuses names
 * (`status.csv` every day), so every move goes to a name nobody else can be using.
 *
 * A claimed file lives in `processing/<pid>.<instance>.<n>-<name>`: the instance is random per
 * process, so a claim is never renamed onto another (even by a process that got a dead one's
 * pid, as a container's pid 1 does after a restart), and the claim of a process that died is
 * taken over where it lies — never put back into the drop folder, where the supplier may
 * meanwhile have dropped a new file with the same name.
 */
export const INSTANCE = randomBytes(6).toString('hex')
let seq = 0

/** A claim found in `processing/`: who holds it, and the name the supplier gave the file. */
export interface Claim {
  path: string
  name: string
  /** `mine`: this process's; `abandoned`: its process is gone; `live`: another running process's. */
  holder: 'mine' | 'abandoned' | 'live'
}

// `<pid>.<instance>.<n>-<name>`, or the older `<pid>-<name>` (still recovered).
const CLAIM = /^(\d+)(?:\.([0-9a-f]+)\.\d+)?-(.+)$/

/** Reads a claim's name; null for anything that is not a claim (a probe, a stray file). */
export function readClaim(dir: string, entry: string): Claim | null {
  const m = CLAIM.exec(entry)
  if (!m) return null
  const pid = Number(m[1])
  const holder = pid === process.pid ? (m[2] === INSTANCE ? 'mine' : 'abandoned') : processAlive(pid) ? 'live' : 'abandoned'
  return { path: path.join(dir, entry), name: m[3], holder }
}

/** Renames `file` to a fresh claim name in `processing`; null when another process moved it first. */
export function claim(file: string, processing: string, name: string): string | null {
  fs.mkdirSync(processing, { recursive: true })
  const target = path.join(processing, `${process.pid}.${INSTANCE}.${++seq}-${name}`)
  try {
    fs.renameSync(file, target) // the target name is new: nothing can be overwritten
    return target
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/**
 * Moves a file into a folder under `name`, or `1-name`, `2-name`… when that is taken. The move
 * is a hard link (which fails rather than replace) and an unlink, so two processes settling
 * same-named files at once cannot overwrite each other; folders that have no hard links get a
 * rename after an existence check.
 */
export function moveInto(file: string, folder: string, name: string): string {
  fs.mkdirSync(folder, { recursive: true })
  for (let i = 0; ; i++) {
    const target = path.join(folder, i === 0 ? name : `${i}-${name}`)
    try {
      fs.linkSync(file, target)
      fs.unlinkSync(file)
      return target
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err
      if (fs.existsSync(target)) continue
      fs.renameSync(file, target)
      return target
    }
  }
}

/** Writes a new file into a folder without replacing one of the same name (see moveInto). */
export function writeInto(folder: string, name: string, body: string | Buffer): string {
  fs.mkdirSync(folder, { recursive: true })
  const tmp = path.join(folder, `.${process.pid}.${INSTANCE}.${++seq}.tmp`)
  fs.writeFileSync(tmp, body, { flag: 'wx' })
  return moveInto(tmp, folder, name)
}

/**
 * The file system's own "now", in ms: the mtime of a file written just now. File ages are
 * measured against it rather than against wismo's clock, which may be pinned (`--now`) to a
 * business day far from the file's, and rather than this machine's clock, which a mounted
 * folder's server need not share.
 */
export function fileSystemNow(processing: string): number {
  fs.mkdirSync(processing, { recursive: true })
  const probe = path.join(processing, `.now-${process.pid}.${INSTANCE}`)
  fs.writeFileSync(probe, '')
  const at = fs.statSync(probe).mtimeMs
  fs.rmSync(probe, { force: true })
  return at
}

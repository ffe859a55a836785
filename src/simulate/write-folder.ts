/** Writes a simulated folder to disk: the one place `wismo simulate` touches the file system. */
import fs from 'node:fs'
import path from 'node:path'
import type { SimFolder } from './files.ts'

/** Why `dir` cannot take a simulation (it exists and is not an empty folder), or null. */
export function outProblem(dir: string): string | null {
  let entries: string[]
  try {
    if (!fs.statSync(dir).isDirectory()) return `--out ${dir}: exists and is not a folder`
    entries = fs.readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    return `--out ${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
  }
  return entries.length > 0 ? `--out ${dir}: the folder is not empty (${entries.length} entr${entries.length > 1 ? 'ies' : 'y'}); give a new or empty folder` : null
}

export function writeFolder(dir: string, folder: SimFolder): void {
  for (const [name, text] of folder.files) {
    const file = path.join(dir, name)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, text)
  }
}

import { spawn } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { openDb, type Db } from '../../src/store/db.ts'

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/wismo.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the real `wismo` as a child process, the way a person or a script does. */
export function runWismo(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, DATABASE_URL: '', WISMO_NOW: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/** `wismo serve --port 0` as a child; `ready` resolves with its base URL once it listens, `exited` with its exit code. */
export function startServe(env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const ready = new Promise<string>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`wismo serve exited (${code}): ${stderr}`)))
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /listening on (\S+)/.exec(line)
      if (m) resolve(m[1].replace('//localhost', '//127.0.0.1'))
    })
  })
  ready.catch(() => {})
  return { ready, exited, stop: () => (child.exitCode === null ? (child.kill('SIGTERM'), exited) : exited) }
}

/** A child's database, opened here between its runs (PGlite: only while no child holds the folder). */
export async function withDb<T>(env: Record<string, string>, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 2 } : { dataDir: env.WISMO_DATA_DIR })
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { lockDataDir } from '../../src/store/lock.ts'
import { runWismo } from '../helpers/cli.ts'

test('a second process is refused the embedded database folder with a clear message', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-lock-'))
  const lock = lockDataDir(dir)
  try {
    const r = await runWismo(['status', 'W1', '--db', dir])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stderr, /in use by another wismo process \(pid \d+\)/)
    assert.ok(!fs.existsSync(path.join(dir, 'PG_VERSION')), 'the refused process never touched the folder')
  } finally {
    lock.release()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a lock left by a process that died is taken over', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-lock-'))
  fs.writeFileSync(path.join(dir, 'wismo.lock'), '999999999\n') // no such pid
  const lock = lockDataDir(dir)
  assert.equal(Number.parseInt(fs.readFileSync(path.join(dir, 'wismo.lock'), 'utf8'), 10), process.pid)
  lock.release()
  assert.ok(!fs.existsSync(path.join(dir, 'wismo.lock')))
  fs.rmSync(dir, { recursive: true, force: true })
})

test('the same process cannot open one folder twice', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-lock-'))
  const lock = lockDataDir(dir)
  assert.throws(() => lockDataDir(dir), /already open in this process/)
  lock.release()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** A racer child process (test/helpers/lock-racer.ts) and a way to wait for its next answer. */
interface Racer {
  pid: number
  send(line: string): void
  next(): Promise<string>
  child: ChildProcess
}

function startRacer(): Racer {
  const child = spawn(process.execPath, ['--import', 'tsx', racerScript], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines: string[] = []
  const waiting: ((s: string) => void)[] = []
  readline.createInterface({ input: child.stdout! }).on('line', (l) => (waiting.length > 0 ? waiting.shift()!(l) : lines.push(l)))
  return {
    pid: child.pid!,
    child,
    send: (line) => child.stdin!.write(`${line}\n`),
    next: () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  }
}

const racerScript = path.join(import.meta.dirname, '../helpers/lock-racer.ts')

/** The pid of a process that has already exited: a realistic stale lock owner. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(r.stdout)
}

test('many processes racing for the lock, with and without a stale one: exactly one wins every time', async () => {
  const racers = Array.from({ length: 8 }, startRacer)
  try {
    for (const r of racers) assert.equal(await r.next(), 'ready')
    for (const stale of [false, true]) {
      for (let round = 0; round < 12; round++) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-race-'))
        const start = path.join(dir, 'start')
        if (stale) fs.writeFileSync(path.join(dir, 'wismo.lock'), `${deadPid()}\n`)
        for (const r of racers) r.send(`go ${dir} ${start}`)
        fs.writeFileSync(start, '')
        const answers = await Promise.all(racers.map((r) => r.next()))
        const winners = racers.filter((_, i) => answers[i] === 'won')
        assert.equal(winners.length, 1, `${stale ? 'stale lock' : 'no lock'}, round ${round}: ${answers.join(' | ')}`)
        for (const a of answers.filter((x) => x !== 'won')) assert.match(a, new RegExp(`in use by another wismo process \\(pid ${winners[0].pid}\\)`))
        assert.equal(Number.parseInt(fs.readFileSync(path.join(dir, 'wismo.lock'), 'utf8'), 10), winners[0].pid)
        winners[0].send('release')
        assert.equal(await winners[0].next(), 'released')
        assert.deepEqual(fs.readdirSync(dir), ['start'], 'no lock, guard or temporary file is left behind')
        fs.rmSync(dir, { recursive: true, force: true })
      }
    }
  } finally {
    for (const r of racers) r.send('exit')
    await Promise.all(racers.map((r) => new Promise((resolve) => (r.child.exitCode !== null ? resolve(null) : r.child.once('exit', resolve)))))
  }
})

test('a takeover guard left by a process killed while holding it does not block the next takeover', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-lock-'))
  fs.writeFileSync(path.join(dir, 'wismo.lock'), `${deadPid()}\n`)
  fs.writeFileSync(path.join(dir, 'wismo.lock.takeover'), `${deadPid()}\n`)
  const lock = lockDataDir(dir)
  assert.equal(Number.parseInt(fs.readFileSync(path.join(dir, 'wismo.lock'), 'utf8'), 10), process.pid)
  lock.release()
  assert.deepEqual(fs.readdirSync(dir), [])
  fs.rmSync(dir, { recursive: true, force: true })
})

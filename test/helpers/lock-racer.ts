// A child process for the lock race test: told `go <dir> <start-file>` on stdin, it spins until
// the start file appears (so every racer calls the lock at the same instant), tries to lock the
// folder, and answers `won` or `refused <message>`; `release` lets its lock go.
import fs from 'node:fs'
import readline from 'node:readline'
import { lockDataDir, type DirLock } from '../../src/store/lock.ts'

let held: DirLock | null = null
const nap = new Int32Array(new SharedArrayBuffer(4))
const say = (s: string) => process.stdout.write(`${s}\n`)

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, dir, start] = line.split(' ')
  if (cmd === 'go') {
    // Wait in slices of 50 µs (not a busy spin: eight racers share two cores with the parent).
    while (!fs.existsSync(start)) Atomics.wait(nap, 0, 0, 0.05)
    try {
      held = lockDataDir(dir)
      say('won')
    } catch (err) {
      say(`refused ${(err as Error).message}`)
    }
  } else if (cmd === 'release') {
    held?.release()
    held = null
    say('released')
  } else if (cmd === 'exit') {
    process.exit(0)
  }
})
say('ready')

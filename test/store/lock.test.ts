import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
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
  assert.equal(fs.readFileSync(path.join(dir, 'wismo.lock'), 'utf8').trim(), String(process.pid))
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

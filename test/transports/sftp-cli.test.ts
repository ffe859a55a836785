/** `wismo transport set|list|poll|trust` run as a person runs them, against a real SFTP server. */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'
import { startSftpServer, type TestSftpServer } from '../support/sftp-server.ts'

const fixture = path.join(import.meta.dirname, '../fixtures/x12/wismo/855-acme-sftp-w8001.edi')
let dir: string
let env: Record<string, string>
let server: TestSftpServer
const wismo = (args: string[], extra: Record<string, string> = {}) =>
  runWismo([...args, '--now', '2026-11-20T10:00:00Z'], { ...env, WISMO_SECRET: 'cli-test-secret-0123456789abcdefghijklmnop', ...extra })

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-sftp-cli-'))
  env = await freshDbEnv(path.join(dir, 'data'))
  const suppliers = path.join(dir, 'suppliers.csv')
  fs.writeFileSync(suppliers, 'supplier_id,name,email,phone,edi_id,lead_time_days\nACME,Acme Outdoor Supply,orders@acme.example,,ACMEEDI,3\nBOLT,Bolt Distribution,edi@bolt.example,,BOLTEDI,2\n')
  assert.equal((await wismo(['import', 'suppliers', suppliers])).code, 0)
  server = await startSftpServer()
  for (const d of ['outbox', 'archive', 'inbox', 'bolt']) fs.mkdirSync(path.join(server.root, d))
  server.write('outbox/ack.edi', fs.readFileSync(fixture), new Date('2026-11-20T09:00:00Z'))
})
after(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('set (password from the environment, never printed), list, poll, list --json: the file taken, archived, its 997 put out', async () => {
  const url = `sftp://${server.user}@127.0.0.1:${server.port}/outbox`
  const set = await wismo(['transport', 'set', 'ACME', url, '--archive', '/archive', '--outbound', '/inbox', '--every', '15m'], { WISMO_SFTP_PASSWORD: server.password })
  assert.equal(set.code, 0, set.stderr)
  assert.match(set.stdout, /set SFTP transport of ACME: sftp:\/\/acme@127\.0\.0\.1:\d+\/outbox \(password, sealed\), every 15 min, archive \/archive, outbound \/inbox/)
  assert.doesNotMatch(set.stdout + set.stderr, new RegExp(server.password))

  const listed = await wismo(['transport', 'list'])
  assert.match(listed.stdout, /ACME sftp:\/\/.*: active\n {2}host key: not pinned yet\n {2}last poll: never/)

  const poll = await wismo(['transport', 'poll', 'ACME'])
  assert.equal(poll.code, 0, poll.stderr)
  assert.match(poll.stdout, /ACME: ok; 1 fetched, 1 archived, 1 sent\n {2}ack\.edi: applied \(message \d+\)/)
  assert.deepEqual(fs.readdirSync(path.join(server.root, 'archive')), ['ack.edi'])
  assert.match(fs.readdirSync(path.join(server.root, 'inbox'))[0], /^997-\d{9}\.x12$/)

  const again = await wismo(['transport', 'poll'])
  assert.match(again.stdout, /ACME: ok; 0 fetched, 0 sent/)

  const json = JSON.parse((await wismo(['transport', 'list', '--json'])).stdout)
  assert.equal(json.length, 1)
  assert.match(json[0].hostKey, /^SHA256:/)
  assert.equal(json[0].lastFileAt, '2026-11-20T10:00:00.000Z')
  assert.equal(json[0].failures, 0)
  assert.equal(json[0].nextPollAt, '2026-11-20T10:15:00.000Z')
  assert.equal(JSON.stringify(json).includes(server.password), false)

  const trust = await wismo(['transport', 'trust', 'ACME'])
  assert.equal(trust.code, 0, trust.stderr)
  assert.equal(JSON.parse((await wismo(['transport', 'list', '--json'])).stdout)[0].hostKey, null)
})

test('a key file logs in; a wrong password fails the poll (exit 1) and the health says why; bad input exits 1, bad usage 2', async () => {
  const keyFile = path.join(dir, 'id_ed25519')
  fs.writeFileSync(keyFile, server.clientPrivateKey, { mode: 0o600 })
  const url = `sftp://${server.user}@127.0.0.1:${server.port}/bolt`
  const set = await wismo(['transport', 'set', 'BOLT', url, '--key', keyFile, '--every', '1h'])
  assert.equal(set.code, 0, set.stderr)
  assert.match(set.stdout, /\(key, sealed\), every 60 min/)
  assert.equal((await wismo(['transport', 'poll', 'BOLT'])).code, 0)

  assert.equal((await wismo(['transport', 'set', 'BOLT', url], { WISMO_SFTP_PASSWORD: 'wrong' })).code, 0)
  const failed = await wismo(['transport', 'poll', 'BOLT'])
  assert.equal(failed.code, 1)
  assert.match(failed.stderr, /BOLT: failed: .*authentication/i)
  const bolt = JSON.parse((await wismo(['transport', 'list', '--json'])).stdout).find((t: { supplierId: string }) => t.supplierId === 'BOLT')
  assert.equal(bolt.failures, 1)
  assert.match(bolt.lastError, /authentication/i)

  const badUrl = await wismo(['transport', 'set', 'BOLT', 'ftp://bolt@host/x'], { WISMO_SFTP_PASSWORD: 'x' })
  assert.equal(badUrl.code, 1)
  assert.match(badUrl.stderr, /expected an sftp:\/\/ URL/)
  const unknown = await wismo(['transport', 'set', 'NOPE', url], { WISMO_SFTP_PASSWORD: 'x' })
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /unknown supplier "NOPE"/)
  assert.equal((await wismo(['transport', 'set', 'BOLT'])).code, 2)
  assert.equal((await wismo(['transport', 'set', 'BOLT', url, '--every', 'soon'])).code, 2)
})

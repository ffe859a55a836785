/**
 * A real SFTP server for tests (ssh2's Server with an SFTP v3 subsystem) serving one temp folder:
 * password and public-key logins, and fault switches — drop the connection after N bytes of a
 * read, answer FAILURE on writes ("disk full"), and a host key that can be changed (the server
 * starts again on the same port with another key).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import ssh2 from 'ssh2'
import type { AddressInfo } from 'node:net'

const { Server, utils } = ssh2
const { OPEN_MODE, STATUS_CODE } = utils.sftp

export interface SftpFaults {
  /** Drop the client's connection once a read has served this many bytes of a file (then the switch turns off). */
  dropAfterBytes: number | null
  /** Answer every WRITE with FAILURE, as a full disk does. */
  failWrites: boolean
  /** Never answer a READ: a server that hangs mid-file with the line still up. */
  stallReads: boolean
}

export interface TestSftpServer {
  port: number
  root: string
  user: string
  password: string
  /** The client's key pair, OpenSSH private key text (what `--key FILE` holds). */
  clientPrivateKey: string
  faults: SftpFaults
  /** Files read to the end (a full download), by path under the root. */
  reads: string[]
  /** Files opened for writing and closed (an upload), by path. */
  writes: string[]
  /** Restarts on the same port with a new host key. */
  changeHostKey(): Promise<void>
  /** Writes a file under the root, creating its folder, with an optional mtime (seconds or Date). */
  write(rel: string, body: string | Buffer, mtime?: Date): void
  close(): Promise<void>
}

/**
 * An ed25519 key pair ssh2 can read back. ssh2's generator drops a leading zero byte of the key
 * (about one key in 256 comes out 31 bytes long), and its own parser then refuses the pair as
 * malformed — a random test failure, so such a pair is made again.
 */
function keyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519')
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair
  }
}

const newHostKey = () => keyPair().private

export async function startSftpServer(opts: { user?: string; password?: string } = {}): Promise<TestSftpServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-sftp-'))
  const user = opts.user ?? 'acme'
  const password = opts.password ?? 'pa55-word'
  const clientKeys = keyPair()
  const allowedKey = utils.parseKey(clientKeys.public)
  if (allowedKey instanceof Error) throw allowedKey
  const faults: SftpFaults = { dropAfterBytes: null, failWrites: false, stallReads: false }
  const reads: string[] = []
  const writes: string[] = []
  let hostKey = newHostKey()
  let server: InstanceType<typeof Server>
  let port = 0
  const clients = new Set<ssh2.Connection>()

  const listen = () =>
    new Promise<void>((resolve) => {
      server = new Server({ hostKeys: [hostKey] }, (client) => {
        clients.add(client)
        client.on('close', () => clients.delete(client))
        client.on('error', () => {})
        client.on('authentication', (ctx) => {
          if (ctx.username !== user) return ctx.reject()
          if (ctx.method === 'password' && ctx.password === password) return ctx.accept()
          if (ctx.method === 'publickey' && ctx.key.algo === allowedKey.type && timingSafeEqual(ctx.key.data, allowedKey.getPublicSSH())) {
            if (!ctx.signature) return ctx.accept()
            if (ctx.blob && allowedKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept()
          }
          ctx.reject(['password', 'publickey'])
        })
        client.on('ready', () => {
          client.on('session', (accept) => {
            const session = accept()
            session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), client, root, faults, reads, writes))
          })
        })
      })
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port
        resolve()
      })
    })
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const c of clients) c.end()
      server.close(() => resolve())
    })
  await listen()

  return {
    get port() { return port },
    root, user, password, faults, reads, writes,
    clientPrivateKey: clientKeys.private,
    async changeHostKey() {
      await stop()
      hostKey = newHostKey()
      await listen()
    },
    write(rel, body, mtime) {
      const file = path.join(root, rel)
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, body)
      if (mtime) fs.utimesSync(file, mtime, mtime)
    },
    async close() {
      await stop()
      fs.rmSync(root, { recursive: true, force: true })
    },
  }
}

type Sftp = ssh2.SFTPWrapper

interface OpenFile { kind: 'file'; fd: number; path: string; served: number; writing: boolean }
interface OpenDir { kind: 'dir'; path: string; done: boolean }

function attrsOf(st: fs.Stats) {
  return { mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) }
}

function longname(name: string, st: fs.Stats): string {
  const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-'
  return `${type}rw-r--r--    1 1000     1000     ${String(st.size).padStart(8)} Jan  1 00:00 ${name}`
}

function serveSftp(sftp: Sftp, client: ssh2.Connection, root: string, faults: SftpFaults, reads: string[], writes: string[]): void {
  const handles = new Map<number, OpenFile | OpenDir>()
  let next = 1
  // Client paths are absolute within the root ("/outbox/a.edi") or relative to it.
  const local = (p: string) => path.join(root, path.posix.normalize(`/${p}`))
  const handle = (reqid: number, h: OpenFile | OpenDir) => {
    const id = next++
    handles.set(id, h)
    const buf = Buffer.alloc(4)
    buf.writeUInt32BE(id)
    sftp.handle(reqid, buf)
  }
  const lookup = (buf: Buffer) => (buf.length === 4 ? handles.get(buf.readUInt32BE(0)) : undefined)
  const fail = (reqid: number, err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code
    sftp.status(reqid, code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : code === 'EACCES' ? STATUS_CODE.PERMISSION_DENIED : STATUS_CODE.FAILURE, String((err as Error).message))
  }

  sftp.on('OPEN', (reqid, filename, flags) => {
    try {
      let mode = 'r'
      if (flags & OPEN_MODE.WRITE) mode = flags & OPEN_MODE.TRUNC || flags & OPEN_MODE.CREAT ? (flags & OPEN_MODE.READ ? 'w+' : 'w') : 'r+'
      if (flags & OPEN_MODE.APPEND) mode = 'a'
      if (flags & OPEN_MODE.EXCL) mode = 'wx'
      handle(reqid, { kind: 'file', fd: fs.openSync(local(filename), mode), path: filename, served: 0, writing: mode !== 'r' })
    } catch (err) { fail(reqid, err) }
  })
  sftp.on('READ', (reqid, h, offset, length) => {
    const f = lookup(h)
    if (!f || f.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle')
    if (faults.stallReads) return
    const buf = Buffer.alloc(length)
    const n = fs.readSync(f.fd, buf, 0, length, offset)
    if (n === 0) {
      reads.push(f.path)
      return sftp.status(reqid, STATUS_CODE.EOF)
    }
    if (faults.dropAfterBytes !== null && f.served + n > faults.dropAfterBytes) {
      // The line goes dead mid-file: what was sent so far is all the client gets.
      const keep = Math.max(0, faults.dropAfterBytes - f.served)
      faults.dropAfterBytes = null
      if (keep > 0) sftp.data(reqid, buf.subarray(0, keep))
      setImmediate(() => client.end())
      return
    }
    f.served += n
    sftp.data(reqid, buf.subarray(0, n))
  })
  sftp.on('WRITE', (reqid, h, offset, data) => {
    const f = lookup(h)
    if (!f || f.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle')
    if (faults.failWrites) return sftp.status(reqid, STATUS_CODE.FAILURE, 'No space left on device')
    fs.writeSync(f.fd, data, 0, data.length, offset)
    sftp.status(reqid, STATUS_CODE.OK)
  })
  sftp.on('CLOSE', (reqid, h) => {
    const f = lookup(h)
    if (!f) return sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle')
    handles.delete(h.readUInt32BE(0))
    if (f.kind === 'file') {
      fs.closeSync(f.fd)
      if (f.writing) writes.push(f.path)
    }
    sftp.status(reqid, STATUS_CODE.OK)
  })
  sftp.on('FSTAT', (reqid, h) => {
    const f = lookup(h)
    if (!f || f.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle')
    sftp.attrs(reqid, attrsOf(fs.fstatSync(f.fd)))
  })
  sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK))
  sftp.on('SETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK))
  for (const ev of ['STAT', 'LSTAT'] as const) {
    sftp.on(ev, (reqid: number, p: string) => {
      try { sftp.attrs(reqid, attrsOf(ev === 'STAT' ? fs.statSync(local(p)) : fs.lstatSync(local(p)))) } catch (err) { fail(reqid, err) }
    })
  }
  sftp.on('OPENDIR', (reqid, p) => {
    try {
      if (!fs.statSync(local(p)).isDirectory()) return sftp.status(reqid, STATUS_CODE.FAILURE, 'not a directory')
      handle(reqid, { kind: 'dir', path: p, done: false })
    } catch (err) { fail(reqid, err) }
  })
  sftp.on('READDIR', (reqid, h) => {
    const d = lookup(h)
    if (!d || d.kind !== 'dir') return sftp.status(reqid, STATUS_CODE.FAILURE, 'bad handle')
    if (d.done) return sftp.status(reqid, STATUS_CODE.EOF)
    d.done = true
    const dir = local(d.path)
    const names = fs.readdirSync(dir).map((name) => {
      const st = fs.lstatSync(path.join(dir, name))
      return { filename: name, longname: longname(name, st), attrs: attrsOf(st) }
    })
    if (names.length === 0) return sftp.status(reqid, STATUS_CODE.EOF)
    sftp.name(reqid, names)
  })
  sftp.on('REALPATH', (reqid, p) => {
    const abs = path.posix.normalize(`/${p}`)
    sftp.name(reqid, [{ filename: abs, longname: abs, attrs: {} as never }])
  })
  sftp.on('RENAME', (reqid, from, to) => {
    // SFTP v3 (and OpenSSH without the posix-rename extension): never over an existing file.
    if (fs.existsSync(local(to))) return sftp.status(reqid, STATUS_CODE.FAILURE, 'target exists')
    try { fs.renameSync(local(from), local(to)); sftp.status(reqid, STATUS_CODE.OK) } catch (err) { fail(reqid, err) }
  })
  sftp.on('REMOVE', (reqid, p) => {
    try { fs.unlinkSync(local(p)); sftp.status(reqid, STATUS_CODE.OK) } catch (err) { fail(reqid, err) }
  })
  sftp.on('MKDIR', (reqid, p) => {
    try { fs.mkdirSync(local(p)); sftp.status(reqid, STATUS_CODE.OK) } catch (err) { fail(reqid, err) }
  })
  sftp.on('RMDIR', (reqid, p) => {
    try { fs.rmdirSync(local(p)); sftp.status(reqid, STATUS_CODE.OK) } catch (err) { fail(reqid, err) }
  })
}

/**
 * A real IMAP server for tests: Debian's Dovecot (package dovecot-imapd), started on a free port
 * of 127.0.0.1 with a generated configuration in a temporary folder (no TLS, plain login, one
 * user in a passwd-file, maildir in the folder) and stopped after. Nothing here installs
 * anything: .ci/run installs the package on a fresh machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ImapFlow } from 'imapflow'

export interface ImapServer {
  host: string
  port: number
  user: string
  password: string
  /** imap://user@host:port/INBOX (no password). */
  url: string
  /** With `{ tls: true }`: the implicit-TLS port (imaps://localhost:tlsPort) and the self-signed certificate to trust (PEM file). */
  tlsPort: number | null
  certFile: string | null
  /** Puts a raw message (RFC 822) into a folder (default INBOX), unseen. */
  append(raw: Buffer | string, folder?: string): Promise<void>
  /** The messages of a folder (none when it does not exist): uid, flags, subject. */
  list(folder?: string): Promise<{ uid: number; seen: boolean; subject: string }[]>
  close(): Promise<void>
}

const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => fs.existsSync(p))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

/** Mail may not be kept as root: as root the mail belongs to `nobody`; otherwise to whoever runs the tests. */
function mailOwner(): { uid: number; gid: number; user: string } {
  const me = os.userInfo()
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid, user: me.username }
  const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' })
  const uid = Number(nobody.stdout.trim()) || 65534
  return { uid, gid: Number(spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout.trim()) || 65534, user: 'nobody' }
}

/** A self-signed certificate for localhost (Debian's openssl, installed with Dovecot). */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem')
  const key = path.join(dir, 'key.pem')
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`openssl could not make a test certificate: ${r.stderr}`)
  fs.chmodSync(cert, 0o644)
  return { cert, key }
}

function sslConfig(tls: { cert: string; key: string } | null): string {
  if (!tls) return 'ssl = no\n'
  return `ssl = yes\nssl_cert = <${tls.cert}\nssl_key = <${tls.key}\n`
}

function config(dir: string, port: number, tlsPort: number, tls: { cert: string; key: string } | null): string {
  const owner = mailOwner()
  const mail = path.join(dir, 'mail')
  fs.mkdirSync(mail, { recursive: true })
  if (os.userInfo().uid === 0) fs.chownSync(mail, owner.uid, owner.gid)
  const me = os.userInfo().username
  // Not root: every Dovecot process runs as the current user.
  const users = os.userInfo().uid === 0 ? '' : `default_login_user = ${me}\ndefault_internal_user = ${me}\n`
  return `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
${sslConfig(tls)}disable_plaintext_auth = no
auth_mechanisms = plain login
${users}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${mail}/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
    ssl = yes
  }
  chroot =
}
service anvil {
  chroot =
}
`
}

async function waitForGreeting(port: number, log: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1')
      sock.once('data', (d) => (sock.destroy(), resolve(d.toString().startsWith('* OK'))))
      sock.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  const text = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '(no log)'
  throw new Error(`dovecot did not start on port ${port}:\n${text}`)
}

/** Starts Dovecot; fails naming the package when it is not installed. */
export async function startImapServer(opts: { tls?: boolean } = {}): Promise<ImapServer> {
  if (!DOVECOT) throw new Error('dovecot is not installed: apt-get install -y dovecot-imapd (.ci/run does this on a fresh machine)')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-dovecot-'))
  fs.chmodSync(dir, 0o755)
  const port = await freePort()
  const tls = opts.tls ? selfSigned(dir) : null
  const tlsPort = tls ? await freePort() : 0
  const user = 'wismo'
  const password = 'imap-test-password'
  fs.writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`)
  const conf = path.join(dir, 'dovecot.conf')
  fs.writeFileSync(conf, config(dir, port, tlsPort, tls))
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  try {
    await waitForGreeting(port, path.join(dir, 'dovecot.log'), child)
  } catch (err) {
    child.kill('SIGTERM')
    throw new Error(`${(err as Error).message}\n${stderr}`)
  }
  const connect = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false })
    await c.connect()
    return c
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    url: `imap://${user}@127.0.0.1:${port}/INBOX`,
    tlsPort: tls ? tlsPort : null,
    certFile: tls?.cert ?? null,
    async append(raw, folder = 'INBOX') {
      const c = await connect()
      try {
        if (folder !== 'INBOX') await c.mailboxCreate(folder).catch(() => {})
        await c.append(folder, raw, [])
      } finally {
        await c.logout()
      }
    },
    async list(folder = 'INBOX') {
      const c = await connect()
      try {
        const exists = (await c.list()).some((m) => m.path === folder)
        if (!exists) return []
        const lock = await c.getMailboxLock(folder)
        try {
          const all = await c.fetchAll('1:*', { uid: true, flags: true, envelope: true })
          return all.map((m) => ({ uid: m.uid, seen: m.flags?.has('\\Seen') ?? false, subject: m.envelope?.subject ?? '' }))
        } finally {
          lock.release()
        }
      } finally {
        await c.logout()
      }
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

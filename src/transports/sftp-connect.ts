/**
 * One SFTP session to a supplier's server (ssh2-sftp-client on ssh2): the URL and sealed
 * credentials turned into a login, and the server's host key checked against the pinned one
 * before anything is sent — a key that differs refuses the connection.
 */
import { createHash } from 'node:crypto'
import SftpClient from 'ssh2-sftp-client'
import { openCredentials } from '../connect/credentials.ts'
import { DomainError } from '../domain/errors.ts'
import type { SupplierTransport } from './transport-store.ts'

/** What the sealed credentials hold: a password, or a private key (with its passphrase). */
export interface SftpCredentials {
  password?: string
  privateKey?: string
  passphrase?: string
}

export interface SftpTarget {
  host: string
  port: number
  username: string
  /** The remote folder polled for the supplier's files. */
  dir: string
}

export interface ConnectOptions {
  /** Connect and handshake timeout (default 20 s). */
  timeoutMs?: number
  /** The whole poll's limit: past it the connection is closed and what is under way fails (default 9 min, inside the job's 10-minute lease). */
  pollLimitMs?: number
}

export interface SftpSession {
  client: SftpClient
  /** The server's host key as `SHA256:<base64>` (as `ssh-keygen -l` prints it). */
  fingerprint: string
}

/** Thrown when the server shows a key other than the pinned one; nothing was sent to it. */
export class HostKeyChanged extends Error {
  constructor(readonly pinned: string, readonly seen: string) {
    super(`the server's host key changed: pinned ${pinned}, now ${seen}`)
  }
}

export function parseSftpUrl(url: string): SftpTarget {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new DomainError('TRANSPORT_URL_INVALID', `not a URL: ${JSON.stringify(url)} (expected sftp://user@host:port/path)`)
  }
  if (u.protocol !== 'sftp:') throw new DomainError('TRANSPORT_URL_INVALID', `expected an sftp:// URL, got ${u.protocol}//`)
  if (!u.hostname || !u.username) throw new DomainError('TRANSPORT_URL_INVALID', `the URL needs a user and a host: sftp://user@host:port/path`)
  if (u.password) throw new DomainError('TRANSPORT_URL_INVALID', 'no password in the URL: use --password-stdin or WISMO_SFTP_PASSWORD')
  const dir = decodeURIComponent(u.pathname || '/') || '/'
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 22, username: decodeURIComponent(u.username), dir }
}

export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

/** Connects and logs in; the host key must match `t.hostKey` when one is pinned. */
export async function openSftp(t: SupplierTransport, secret: string, opts: ConnectOptions = {}): Promise<SftpSession> {
  const target = parseSftpUrl(t.url)
  if (!t.credentials) throw new DomainError('TRANSPORT_NO_CREDENTIALS', `the SFTP transport of ${t.supplierId} has no password or key: wismo transport set again`)
  const creds = openCredentials<SftpCredentials>(t.credentials, secret, `the SFTP transport of ${t.supplierId}`)
  const client = new SftpClient(`wismo-${t.supplierId}`)
  let seen: string | null = null
  try {
    await client.connect({
      host: target.host, port: target.port, username: target.username,
      password: creds.password, privateKey: creds.privateKey, passphrase: creds.passphrase,
      readyTimeout: opts.timeoutMs ?? 20_000,
      timeout: opts.timeoutMs ?? 20_000,
      // A line that goes silent is found dead within half a minute rather than hanging the poll.
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        seen = fingerprintOf(key)
        return t.hostKey === null || t.hostKey === seen
      },
    })
  } catch (err) {
    await client.end().catch(() => {})
    if (seen !== null && t.hostKey !== null && seen !== t.hostKey) throw new HostKeyChanged(t.hostKey, seen)
    throw err
  }
  if (seen === null) {
    await client.end().catch(() => {})
    throw new Error('the server showed no host key')
  }
  return { client, fingerprint: seen }
}

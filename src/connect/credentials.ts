/**
 * A shop's credentials at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the signing
 * secret — `WISMO_SECRET`, or the one kept with the database (src/store/secret.ts). The stored
 * text is `v1.<iv>.<tag>.<ciphertext>` (base64url); a secret changed since makes it unreadable,
 * which is said plainly (reconnect the shop), never guessed around.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { DomainError } from '../domain/errors.ts'

const INFO = 'wismo platform credentials v1'

function keyFrom(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), INFO, 32))
}

export function sealCredentials(value: unknown, secret: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv)
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
}

export function openCredentials<T>(sealed: string, secret: string, shop: string): T {
  const [version, iv, tag, body] = sealed.split('.')
  try {
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not sealed by this version')
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
    return JSON.parse(text) as T
  } catch (err) {
    throw new DomainError(
      'CONNECT_CREDENTIALS_UNREADABLE',
      `the stored credentials of ${shop} cannot be read with this signing secret (was WISMO_SECRET changed?); run wismo connect again for it`,
      { cause: err },
    )
  }
}

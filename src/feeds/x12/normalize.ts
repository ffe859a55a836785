/**
 * What an X12 file says, as a hash: its segments and their elements, whatever separators,
 * line breaks, indentation or byte-order mark carry them. Two files with the same hash are the
 * same content (a replay); the same control number with another hash is new content.
 */
import { createHash } from 'node:crypto'
import { X12Error } from './errors.ts'
import { readSegments } from './segments.ts'

/** The sha256 of the file's segments (null when the tokenizer cannot read all of it: then its bytes decide). */
export function contentHash(body: Buffer): string | null {
  const hash = createHash('sha256')
  let chunk = ''
  try {
    for (const seg of readSegments(body)) {
      // Unit and record separators cannot occur in X12 data (control characters are refused).
      chunk += seg.elements.join('\u001f') + '\u001e'
      // Hashed a chunk at a time: one update per segment costs more than the hashing itself.
      if (chunk.length >= 1 << 16) {
        hash.update(chunk)
        chunk = ''
      }
    }
    hash.update(chunk)
  } catch (err) {
    if (err instanceof X12Error) return null
    throw err
  }
  return hash.digest('hex')
}

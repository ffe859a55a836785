/**
 * A supplier feed's body is written to a spool file as it arrives, so a large or slow upload
 * holds a file, not a growing Buffer (nor Fastify's chunk list plus its concatenation). Its limit
 * is checked from Content-Length before a byte is read, and while reading for a chunked body;
 * a body over it is a 413 and its partial file is removed. The route reads the file once the
 * body is complete (the feed readers take the whole file) and removes it at once.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { Transform } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import { DomainError } from '../../domain/errors.ts'

/** A complete body in its spool file. */
export class SpooledBody {
  constructor(readonly file: string, readonly size: number) {}

  read(): Promise<Buffer> {
    return fs.promises.readFile(this.file)
  }

  async dispose(): Promise<void> {
    await fs.promises.rm(this.file, { force: true })
  }
}

function tooLarge(limit: number): DomainError {
  const mib = limit / (1024 * 1024)
  return new DomainError('REQUEST_TOO_LARGE', `the body is larger than the ${Number(mib.toFixed(2))} MiB this route takes (WISMO_FEED_MAX_MB); deliver larger files through the inbox folder`)
}

/** A content-type parser that spools the body to `dir` (default: the system's temporary folder). */
export function spoolParser(o: { dir?: string; limit: number }) {
  const dir = o.dir ?? os.tmpdir()
  return async (req: FastifyRequest, payload: IncomingMessage): Promise<SpooledBody> => {
    if (Number(req.headers['content-length']) > o.limit) throw tooLarge(o.limit)
    const file = path.join(dir, `wismo-feed-${randomBytes(8).toString('hex')}`)
    let size = 0
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length
        cb(size > o.limit ? tooLarge(o.limit) : null, chunk)
      },
    })
    const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 })
    try {
      await new Promise<void>((resolve, reject) => {
        // Not stream.pipeline: it would destroy the request, and with it the socket the 413 goes out on.
        const fail = (err: Error) => {
          payload.unpipe(count)
          count.unpipe(out)
          out.destroy()
          reject(err)
        }
        payload.on('error', fail)
        payload.on('close', () => payload.complete || fail(new Error('the client went away before the body ended')))
        count.on('error', fail)
        out.on('error', fail)
        out.on('finish', resolve)
        payload.pipe(count).pipe(out)
      })
    } catch (err) {
      await fs.promises.rm(file, { force: true })
      throw err
    }
    return new SpooledBody(file, size)
  }
}

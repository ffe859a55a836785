import { DomainError } from '../domain/errors.ts'

/** Reads a password: asked twice without echo on a terminal, else the first line of stdin. */
export async function readPassword(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!stdin.isTTY) return firstLine(stdin)
  const first = await askHidden(stdin, 'Password: ')
  const again = await askHidden(stdin, 'Password again: ')
  if (first !== again) throw new DomainError('USER_PASSWORD_MISMATCH', 'user add: the two passwords differ')
  return first
}

async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stdin) {
    text += chunk.toString()
    if (text.includes('\n')) break
  }
  return text.split(/\r?\n/)[0]
}

// Raw mode so the password never appears on screen; Ctrl-C still aborts.
function askHidden(stdin: NodeJS.ReadStream, question: string): Promise<string> {
  process.stderr.write(question)
  return new Promise((resolve, reject) => {
    let value = ''
    stdin.setRawMode(true)
    stdin.resume()
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(value))
        if (ch === '\u0003') return done(() => reject(new DomainError('USER_ABORTED', 'user add: aborted')))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    const done = (fn: () => void) => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
      fn()
    }
    stdin.on('data', onData)
  })
}

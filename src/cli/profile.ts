import fs from 'node:fs'
import { UsageError, type Command } from './context.ts'
import { parseProfile } from '../feeds/profiles/profile-schema.ts'
import { getProfile, removeProfile, setProfile } from '../feeds/profiles/profile-store.ts'
import { DomainError } from '../domain/errors.ts'

const USAGE = 'usage: wismo profile set SUPPLIER FILE.json | profile show SUPPLIER | profile remove SUPPLIER'

/** `wismo profile set|show|remove SUPPLIER [FILE.json]`: a supplier's feed profile (docs/formats.md). */
export const profileCommand: Command = async (ctx, { positionals }) => {
  const [action, supplierId, file, ...rest] = positionals
  if (!supplierId || rest.length > 0) throw new UsageError(USAGE)
  if (action === 'set') {
    if (!file) throw new UsageError(USAGE)
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      ctx.err(`${file}: cannot read the file`)
      return 1
    }
    let profile
    try {
      profile = parseProfile(text)
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      for (const d of err.details) ctx.err(`${file}: ${d}`)
      ctx.err(`${file}: ${err.message}; nothing stored`)
      return 1
    }
    const done = await setProfile(await ctx.db(), supplierId, profile, ctx.clock.now())
    ctx.out(`${supplierId}: profile ${done} (${profile.target}; ${Object.keys(profile.columns).length} columns, ${Object.keys(profile.statuses).length} status words)`)
    return 0
  }
  if (file !== undefined) throw new UsageError(USAGE)
  if (action === 'show') {
    const profile = await getProfile(await ctx.db(), supplierId)
    if (!profile) {
      ctx.err(`${supplierId}: no profile (files are read with wismo's own header)`)
      return 1
    }
    ctx.out(JSON.stringify(profile, null, 2))
    return 0
  }
  if (action === 'remove') {
    const removed = await removeProfile(await ctx.db(), supplierId)
    ctx.out(removed ? `${supplierId}: profile removed` : `${supplierId}: had no profile`)
    return 0
  }
  throw new UsageError(USAGE)
}

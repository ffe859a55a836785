#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a checkout and `wismo`.
import { register } from 'tsx/esm/api'

register()
// React (pages, mail templates) runs its production build unless told otherwise: the development
// build checks every element it renders and is several times slower.
process.env.NODE_ENV ??= 'production'
const { main } = await import('../src/main.ts')
process.exitCode = await main(process.argv.slice(2))

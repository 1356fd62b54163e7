#!/usr/bin/env node
// The compiled CLI (npm run build). Exit codes: 0 ok, 1 failure, 2 usage.
import { main } from '../dist/tooling/cli/main.js'

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code
}, (err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
})

/**
 * The sample scenarios this package ships (`scenarios/*.yaml`), so the repository runs without
 * the legacy app checked out. tsc copies no YAML, so from a build (`dist/`) the folder is one
 * level up; from the sources it is beside this file.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const SAMPLE_SCENARIOS_DIR = [
  new URL('./scenarios/', import.meta.url),
  new URL('../scenarios/', import.meta.url)
].map((url) => fileURLToPath(url)).find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('./scenarios/', import.meta.url))

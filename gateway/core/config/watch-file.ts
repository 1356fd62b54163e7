/**
 * Watches routes.yaml. Editors save by writing a temp file and renaming it over the original,
 * so the directory is watched, not the file, and bursts of events are coalesced.
 */
import { watch, type FSWatcher } from 'node:fs'
import path from 'node:path'

const DEBOUNCE_MS = 150

export function watchFile (file: string, onChange: () => void): () => void {
  const name = path.basename(file)
  let timer: NodeJS.Timeout | undefined
  let watcher: FSWatcher | undefined = watch(path.dirname(path.resolve(file)), (_event, changed) => {
    if (changed !== null && changed !== name) return
    clearTimeout(timer)
    timer = setTimeout(onChange, DEBOUNCE_MS)
  })
  watcher.unref()
  return () => {
    clearTimeout(timer)
    watcher?.close()
    watcher = undefined
  }
}

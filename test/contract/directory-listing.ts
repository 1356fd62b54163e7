/**
 * The legacy scenario order (docs/legacy-app.md §4.2), computed for the checks from the folder
 * itself: the YAML files in `os.listdir` order (Python's own answer when python3 runs, else the
 * same readdir(3) order through fs.opendir), each file's ids in file order, a repeated id kept at
 * its first place, then a stable sort by the id's trailing number (none counts as 0).
 */
import { execFileSync } from 'node:child_process'
import { opendir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'

/** The folder's entries in directory-listing order, as the legacy loader iterates them. */
export async function directoryListing (dir: string): Promise<string[]> {
  try {
    const listed = execFileSync('python3', ['-c', 'import json, os, sys; print(json.dumps(os.listdir(sys.argv[1])))', dir],
      { stdio: ['ignore', 'pipe', 'ignore'] })
    return JSON.parse(listed.toString()) as string[]
  } catch {
    const names: string[] = []
    for await (const entry of await opendir(dir)) names.push(entry.name)
    return names
  }
}

const trailingNumber = (id: string): number => Number(/(\d+)$/.exec(id)?.[1] ?? 0)

/** Scenario ids of a folder in the order the legacy app lists them. */
export async function legacyScenarioOrder (dir: string): Promise<string[]> {
  const ids: string[] = []
  for (const file of (await directoryListing(dir)).filter((name) => /\.ya?ml$/.test(name))) {
    const doc = parse(await readFile(path.join(dir, file), 'utf8')) as Record<string, any> | null
    const found = Array.isArray(doc?.scenarios)
      ? doc.scenarios.filter((entry: any) => typeof entry?.id === 'string').map((entry: any) => entry.id as string)
      : [file.replace(/\.ya?ml$/, '')]
    for (const id of found) if (!ids.includes(id)) ids.push(id)
  }
  return ids.sort((a, b) => trailingNumber(a) - trailingNumber(b))
}

/** What /proc says of a benchmark server: its CPU time (children included) and its RSS. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())

/** User + system CPU of a process, all its threads and its live child processes, in ms. */
export function cpuMs (pid: number): number {
  let total = 0
  const visit = (id: number): void => {
    let stat: string
    try {
      stat = readFileSync(`/proc/${id}/stat`, 'utf8')
    } catch {
      return // gone
    }
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    total += (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS_PER_SECOND
    let children = ''
    try {
      children = readFileSync(`/proc/${id}/task/${id}/children`, 'utf8')
    } catch {}
    for (const child of children.trim().split(/\s+/).filter(Boolean)) visit(Number(child))
  }
  visit(pid)
  return total
}

/** Resident set size of one process, in bytes (0 once it is gone). */
export function rssBytes (pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1]
    return kb === undefined ? 0 : Number(kb) * 1024
  } catch {
    return 0
  }
}

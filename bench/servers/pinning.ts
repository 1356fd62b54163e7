/**
 * The pinned layout: each proxy under test alone on core 0, and everything else (this process,
 * so the load generator; the upstreams it starts) on the other cores. A proxy then gets one whole
 * core however busy the load generator is, as nginx's single worker has it, and its figures
 * measure it rather than the machine. Needs two cores or more and taskset (util-linux).
 */
import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

export interface Layout {
  /** The cores for the proxy under test ('0'), or null when not pinned. */
  proxyCpus: string | null
  /** The cores for the load generator and the upstreams, or null. */
  restCpus: string | null
  /** One line saying what the layout is, for the output. */
  describe: string
}

function hasTaskset (): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Pins this process (all its threads) to the other cores; its children inherit that. */
export function pinLayout (wanted: boolean): Layout {
  const cores = availableParallelism()
  if (!wanted) return { proxyCpus: null, restCpus: null, describe: 'not pinned (--no-pin): every process shares every core' }
  if (cores < 2) return { proxyCpus: null, restCpus: null, describe: `NOT PINNED: ${cores} core, so proxy, load generator and upstreams share it` }
  if (!hasTaskset()) return { proxyCpus: null, restCpus: null, describe: 'NOT PINNED: taskset is not installed (util-linux), so every process shares every core' }
  const restCpus = cores === 2 ? '1' : `1-${cores - 1}`
  execFileSync('taskset', ['-a', '-cp', restCpus, String(process.pid)], { stdio: 'ignore' })
  return { proxyCpus: '0', restCpus, describe: `pinned: each proxy alone on core 0; load generator and upstreams on core ${restCpus} (taskset)` }
}

/** The command that runs `command` on `cpus`, or the command itself when not pinned. */
export function pinned (cpus: string | null, command: string, args: string[]): [string, string[]] {
  return cpus === null ? [command, args] : ['taskset', ['-c', cpus, command, ...args]]
}

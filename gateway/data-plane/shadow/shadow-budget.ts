/**
 * The shadow budget: at most `maxConcurrent` shadows run, at most `maxQueue` wait; anything
 * beyond is dropped at once. The user's request never waits on this.
 */
export interface ShadowBudget {
  /** Runs or queues the task; false when the budget is full and the task was dropped. */
  tryRun: (task: () => Promise<void>) => boolean
  readonly active: number
  readonly queued: number
  /** Resolves when nothing runs or waits (shutdown, tests). */
  idle: () => Promise<void>
}

export function createShadowBudget (maxConcurrent: number, maxQueue: number): ShadowBudget {
  let active = 0
  const queue: Array<() => Promise<void>> = []
  let idleWaiters: Array<() => void> = []

  const settle = (): void => {
    if (active === 0 && queue.length === 0) {
      const waiters = idleWaiters
      idleWaiters = []
      for (const resolve of waiters) resolve()
    }
  }
  const run = (task: () => Promise<void>): void => {
    active++
    task().catch(() => {}).finally(() => {
      active--
      const next = queue.shift()
      if (next !== undefined) run(next)
      else settle()
    })
  }

  return {
    tryRun (task) {
      if (active < maxConcurrent) run(task)
      else if (queue.length < maxQueue) queue.push(task)
      else return false
      return true
    },
    get active () { return active },
    get queued () { return queue.length },
    idle: async () => {
      if (active === 0 && queue.length === 0) return
      await new Promise<void>((resolve) => idleWaiters.push(resolve))
    }
  }
}

/**
 * The bytes one shadow holds against the byte budget: its mirrored request body and the captured
 * copy of legacy's answer. `take` fails, and calls `onRefused` once, when the budget would go
 * over; `releaseAll` gives everything back (idempotent).
 */
export interface BytesHold {
  take: (bytes: number) => boolean
  releaseAll: () => void
  readonly held: number
}

/** `shadow.maxBufferedBytes`: the bytes every shadow together may hold. */
export interface ByteBudget {
  hold: (onRefused: () => void) => BytesHold
  readonly used: number
  readonly max: number
}

export function createByteBudget (max: number): ByteBudget {
  let used = 0
  return {
    get used () { return used },
    max,
    hold (onRefused) {
      let held = 0
      let refused = false
      return {
        get held () { return held },
        take (bytes) {
          if (refused) return false
          if (used + bytes > max) {
            refused = true
            onRefused()
            return false
          }
          used += bytes
          held += bytes
          return true
        },
        releaseAll () {
          used -= held
          held = 0
        }
      }
    }
  }
}

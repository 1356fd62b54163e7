import type { ChildProcess } from 'node:child_process'

/** A benchmark server in a child process: where it listens, and how to stop it. */
export interface Started { port: number, url: string, proc: ChildProcess, stop: () => void }

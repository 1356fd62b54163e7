/** The golden, perf and load tests' name for the shared CLI runner. */
export { runCli, type CliRun } from '../helpers/run-cli.js'

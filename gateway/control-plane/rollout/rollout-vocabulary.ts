/** The words of a rollout that other parts (the audit trail, metrics) name too; this file imports nothing. */

/** What an operator can do to a rollout; `complete` is the one step only an operator takes. */
export type OperatorAction = 'start' | 'pause' | 'resume' | 'abort' | 'complete'

/** The controller's answer to one reading of the report (dry run: `would_*`, nothing changes). */
export type Decision = 'promote' | 'hold' | 'bake' | 'rollback' | 'pause' | 'done' |
  'would_promote' | 'would_rollback' | 'would_pause'

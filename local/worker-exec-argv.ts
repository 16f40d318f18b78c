/**
 * The Node flags of the embedded AWS's worker threads (the DynamoDB thread, every execution
 * environment): none of the parent's (under `npm start` they load tsx, which Node's own type
 * stripping makes unneeded), except a CPU profile of each thread into
 * `EVENT_PIPELINE_CPU_PROF_DIR` when it is set, to see where a run's time goes in every isolate.
 */
export function workerExecArgv(): string[] {
  const dir = process.env.EVENT_PIPELINE_CPU_PROF_DIR
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []
}

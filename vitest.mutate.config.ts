import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The tests `npm run mutate` runs against each mutant: those that pin the consumer runtime
 * (its unit tests and `test/integration/runtime/`) and the embedded DynamoDB
 * (`test/integration/dynamodb/` and the basics suite). Stryker picks, per mutant, the tests
 * that import the mutated file and ran its code, and a surviving mutant reruns all of them,
 * so suites that reach these folders only on their way to something else are left out: the
 * event store's (they pin the event store, over the same DynamoDB calls) and the e2e suites
 * (a whole pipeline per test). moto is left out too: it runs none of the mutated code.
 * `MUTATE_TESTS=unit` keeps the unit tests only, a quick pass over the pure modules.
 */
const unitOnly = process.env.MUTATE_TESTS === 'unit'

/**
 * Quickest test files first. Stryker stops a mutant's run at its first failing test (bail),
 * so the order decides what a killed mutant costs: vitest's own order runs the longest file
 * first (right for spreading files over workers, but Stryker runs one worker), which made a
 * mutant that a unit test kills in milliseconds wait for an integration suite to start an
 * embedded AWS and run first. Unit tests go first, then by the last run's duration, shortest
 * first (files not run yet last). It changes no test's outcome, only how soon a failing one
 * is reached.
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const unit = (spec: TestSpecification) => (spec.moduleId.includes('/test/unit/') ? 0 : 1)
    const duration = (spec: TestSpecification) =>
      this.ctx.cache.getTestSpecificationResult(spec)?.duration ?? Number.MAX_SAFE_INTEGER
    return [...files].sort((a, b) => unit(a) - unit(b) || duration(a) - duration(b))
  }
}

export default defineConfig({
  test: {
    include: unitOnly
      ? ['test/unit/**/*.test.ts']
      : [
          'test/unit/**/*.test.ts',
          'test/integration/{runtime,dynamodb}/**/*.test.ts',
          'test/integration/embedded-aws/dynamodb-basics.test.ts',
        ],
    env: { EVENT_PIPELINE_SKIP_MOTO: 'mutation testing: moto runs none of the mutated code' },
    pool: 'forks',
    isolate: false,
    sequence: { sequencer: QuickestFirst },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})

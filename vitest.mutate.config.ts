import { defineConfig } from 'vitest/config'

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
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})

import { defineConfig } from 'vitest/config'

/**
 * The tests `npm run mutate` runs against each mutant: those of the consumer runtime and of
 * the embedded DynamoDB (Stryker picks, per mutant, the tests that import the mutated file
 * and ran its code). The e2e suites are left out: they start whole pipelines per test.
 * `MUTATE_TESTS=unit` keeps the unit tests only, a quick pass over the pure modules.
 */
const unitOnly = process.env.MUTATE_TESTS === 'unit'

export default defineConfig({
  test: {
    include: unitOnly
      ? ['test/unit/**/*.test.ts']
      : [
          'test/unit/**/*.test.ts',
          'test/integration/{runtime,dynamodb,event-store}/**/*.test.ts',
          'test/integration/embedded-aws/dynamodb-basics.test.ts',
        ],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})

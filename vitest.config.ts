import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/{unit,infra,integration,e2e,deploy}/**/*.test.ts'],
    // Each test file starts its own embedded AWS on a free port, so files run in parallel safely.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
})

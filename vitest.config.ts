import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/{unit,infra,integration,e2e,deploy}/**/*.test.ts'],
    // Each test file starts its own embedded AWS on a free port, so files run in parallel safely.
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on a 2-core machine (CI's, and many
    // laptops') that is one file at a time. The files spend much of their time waiting on a
    // pipeline's pollers and child processes, so two at a time halves the suite's wall time.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
})

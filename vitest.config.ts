import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    setupFiles: ['test/support/give-the-loop-a-turn.ts'],
    hookTimeout: 120_000,
    // Tests that start real servers or child processes share the machine's two cores.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/kafka/**'] } },
      {
        extends: true,
        // Kafka tests share one real broker and some stop/restart it: they must never overlap. singleFork runs
        // the project's files one after another in one worker; groupOrder 1 starts them only after every other
        // project finished. (ProjectConfig's type omits poolOptions, but vitest honours forks.singleFork per
        // project: see createForksPool in vitest/dist.)
        test: {
          name: 'kafka',
          include: ['test/kafka/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { singleFork: true } },
        } as Record<string, unknown>,
      },
    ],
  },
});

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One project per environment, so only the tests that need a database pay for starting one.
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/global-database.ts'],
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'components',
          environment: 'jsdom',
          include: ['test/components/**/*.test.tsx'],
          setupFiles: ['test/setup/components.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Real replication and clusters (a primary and replica, a 3-node Galera) on loopback, started
          // and stopped by each file: `npm run test:cluster` runs only these, one file at a time, after `npm test` (.ci/run).
          name: 'cluster',
          environment: 'node',
          include: ['test/cluster/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});

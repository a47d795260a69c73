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
        // Real replication (and clusters) on loopback: each file starts the servers it needs itself
        // (test/helpers/replica-pair.ts), so no shared server. `npm run test:cluster` runs them alone.
        extends: true,
        test: {
          name: 'cluster',
          environment: 'node',
          include: ['test/cluster/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
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
    ],
  },
});

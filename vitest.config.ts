import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One project per environment. A jsdom project for components goes next to this one (its own
    // include, no globalSetup), so only the node tests pay for starting a database server.
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/setup/global-database.ts'],
        },
      },
    ],
  },
});

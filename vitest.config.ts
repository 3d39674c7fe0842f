import { defineConfig } from 'vitest/config';

/** One vitest run covers unit, integration and end-to-end tests (see README). */
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // the CLI and the helper the tests start are the bundles built from the current sources
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';

/**
 * Three vitest projects (README, "Tests"): `npm run test:unit`, `test:integration` and `test:e2e`
 * run one each; `npm test` runs all three after the type-check and the lint.
 * - unit: pure logic and recorded outputs; starts no server, touches no device (its setup file
 *   refuses a listening socket, so a test that needs one belongs to integration);
 * - integration: real HTTP servers on 127.0.0.1, loop devices, the CLI as a process, outside tools;
 * - e2e: QEMU boots and the renderer in Chromium.
 */
export default defineConfig({
  test: {
    // every project runs the CLI and the helper as bundles built from the current sources
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.{ts,tsx}'], setupFiles: ['tests/helpers/unit-setup.ts'] },
      },
      { extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.{ts,tsx}'] } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.{ts,tsx}'] } },
    ],
  },
});

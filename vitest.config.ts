import { defineConfig } from 'vitest/config';

// The mock's own tests, in two projects: `unit` drives the app in-process (app.request(), no
// sockets, no child processes) and stays fast; `process` holds the tests that spawn servers,
// listen on sockets or run commands. `npx vitest run` runs both, `--project unit` the fast ones.
// The contract suite has its own config (contract-tests/vitest.config.ts): `npm run test:contract`.
export default defineConfig({
  test: {
    // CI sums reports/*-junit.xml; the contract suite writes reports/contract-junit.xml.
    reporters: ['default', 'junit'],
    outputFile: { junit: 'reports/unit-junit.xml' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['spec/**/*.test.ts', 'server/**/*.test.ts', 'cli/**/*.test.ts', 'fixtures/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'process',
          include: ['process-tests/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

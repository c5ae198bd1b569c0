import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The mock's own tests, in two projects: `unit` drives the app in-process (app.request(), no
// sockets, no child processes) and stays fast; `process` holds the tests that spawn servers,
// listen on sockets, run commands or drive a browser, and the examples (which start a sandbox).
// `npx vitest run` runs both, `--project unit` the fast ones.
// The contract suite has its own config (contract-tests/vitest.config.ts): `npm run test:contract`.

// The examples import the package by its name, as a user would; here that name is the source
// (the packed package's dist/ is run against the same example by scripts/pack-test.sh). Each
// project takes it: a project's inline config does not inherit the root's.
const resolve = { alias: { 'ai-market-sandbox': fileURLToPath(new URL('./server/index.ts', import.meta.url)) } };

export default defineConfig({
  test: {
    // CI sums reports/*-junit.xml; the contract suite writes reports/contract-junit.xml.
    reporters: ['default', 'junit'],
    outputFile: { junit: 'reports/unit-junit.xml' },
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: ['spec/**/*.test.ts', 'server/**/*.test.ts', 'cli/**/*.test.ts', 'fixtures/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve,
        test: {
          name: 'process',
          include: ['process-tests/**/*.test.ts', 'examples/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

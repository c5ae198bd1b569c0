import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The unit and integration suite of the mock. The contract suite has its own
// config (contract-tests/vitest.config.ts) and runs with `npm run test:contract`.
export default defineConfig({
  resolve: {
    // The examples import the package by its name, as a user would; here that name is the source
    // (the packed package's dist/ is run against the same example by scripts/pack-test.sh).
    alias: { 'ai-market-sandbox': fileURLToPath(new URL('./server/index.ts', import.meta.url)) },
  },
  test: {
    include: [
      'spec/**/*.test.ts',
      'server/**/*.test.ts',
      'cli/**/*.test.ts',
      'fixtures/**/*.test.ts',
      'examples/**/*.test.ts',
      'process-tests/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});

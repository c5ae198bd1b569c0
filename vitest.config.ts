import { defineConfig } from 'vitest/config';

// The unit and integration suite of the mock. The contract suite has its own
// config (contract-tests/vitest.config.ts) and runs with `npm run test:contract`.
export default defineConfig({
  test: {
    include: ['spec/**/*.test.ts', 'server/**/*.test.ts', 'cli/**/*.test.ts', 'fixtures/**/*.test.ts', 'process-tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';
import { PROJECT_ROOT, readSettings } from './lib/settings.js';
import { ContractSummaryReporter } from './lib/summary-reporter.js';

// The black-box contract suite: `npm run test:contract`. See contract-tests/README.md.
const settings = readSettings(process.env);

export default defineConfig({
  test: {
    root: PROJECT_ROOT,
    include: [
      'contract-tests/*.contract.ts',
      // The suite's own tests (a broken server is caught, live safety holds); off inside a nested run.
      ...(settings.skipSelfTests ? [] : ['contract-tests/self-test/**/*.self-test.ts']),
    ],
    globalSetup: ['contract-tests/lib/global-setup.ts'],
    // One server, real rate limits: one file at a time.
    fileParallelism: false,
    // Files share one worker and its compiled validators (they are read-only); state lives on the server.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'junit', new ContractSummaryReporter(settings.reportsDir)],
    outputFile: { junit: settings.junitPath },
  },
});

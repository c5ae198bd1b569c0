#!/usr/bin/env node
/**
 * The command line: `ai-market-sandbox serve | contract | journal | report | --help`.
 * Exit codes: 0 done, 1 failure (e.g. contract suite failed, a report finding), 2 wrong usage or a bad setting.
 */
import { ConfigError, settingsHelp } from '../server/config.js';
import { DatabaseOpenError, DatabaseTooNewError } from '../server/db/open-database.js';
import { FixtureError } from '../server/fixture-file.js';
import { VERSION } from './package-info.js';
import { runServe } from './serve-command.js';

const HELP = `AI-Market sandbox ${VERSION}: a stateful mock of the AI-Market API, and its contract tests.

Usage:
  ai-market-sandbox serve [options]              start the mock (API under /api/v1, control API under /_mock)
  ai-market-sandbox contract --base-url URL      run the contract suite against a running server
  ai-market-sandbox journal --base-url URL       print (--follow: stream) the request journal of a running sandbox
  ai-market-sandbox report --base-url URL        what the integration the sandbox saw would do wrong on live
                                                 (report --help for its options; --fail-on for CI)
  ai-market-sandbox --help | --version

Options of serve (flags win over environment variables):
${settingsHelp()}
`;

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(HELP);
      return 0;
    case '--version':
      console.log(VERSION);
      return 0;
    case 'serve':
      if (rest.includes('--help')) {
        console.log(HELP);
        return 0;
      }
      await runServe(rest);
      return undefined; // keeps running until a signal
    case 'contract': {
      const { runContract } = await import('./contract-command.js');
      return runContract(rest);
    }
    case 'journal': {
      const { runJournal } = await import('./journal-command.js');
      return runJournal(rest);
    }
    case 'report': {
      const { runReport } = await import('./report-command.js');
      return runReport(rest);
    }
    default:
      throw new ConfigError(`unknown command "${command}" (see --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof FixtureError || error instanceof DatabaseTooNewError || error instanceof DatabaseOpenError) {
      console.error(`ai-market-sandbox: ${error.message}`);
      process.exitCode = 2;
    } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`ai-market-sandbox: ${(error as Error).message}: the port is taken; choose another with --port`);
      process.exitCode = 2;
    } else {
      console.error('ai-market-sandbox: failed to start:', error);
      process.exitCode = 1;
    }
  },
);

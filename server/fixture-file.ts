/**
 * Reads a fixture file and checks it against the Fixture schema. A bad file is
 * rejected with the path of each bad field, e.g. `products.2.price: must be ...`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Fixture } from '../spec/control-schemas.js';
import { zodDetails } from './errors.js';

/** The fixture embedded in the package: fixtures/default.json (found from both server/ and dist/server/). */
export const DEFAULT_FIXTURE_PATH = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../fixtures/default.json' : '../fixtures/default.json', import.meta.url),
);

export class FixtureError extends Error {}

export function parseFixture(data: unknown, source: string): Fixture {
  const result = Fixture.safeParse(data);
  if (result.success) return result.data;
  const lines = zodDetails(result.error).map((d) => `  ${d.path}: ${d.message}`);
  throw new FixtureError(`invalid fixture ${source}:\n${lines.join('\n')}`);
}

export function readFixtureFile(path: string): Fixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FixtureError(`cannot read fixture file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(`fixture file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseFixture(data, path);
}

/** The key a person can try first: one of an active account with money in its wallet (the banner and /docs show it). */
export function sampleKey(fixture: Fixture): { key: string; balance: Fixture['accounts'][number]['balance'] } | undefined {
  const account = fixture.accounts.find((a) => a.status === 'active' && Number(a.balance) > 0 && a.keys.some((k) => !k.revoked));
  const key = account?.keys.find((k) => !k.revoked)?.key;
  return account && key ? { key, balance: account.balance } : undefined;
}

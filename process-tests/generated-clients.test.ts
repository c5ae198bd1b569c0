/**
 * Clients generated from the served contract work against the sandbox, as a
 * client developer would use them: download GET /openapi.yaml from a real server,
 * generate (a) types with openapi-typescript for openapi-fetch and (b) an SDK
 * with @hey-api/openapi-ts (its fetch client is copied into the output, so
 * nothing is fetched), write a small program for each, compile both with
 * `tsc --strict`, run them with node, and check what they print.
 *
 * Slow on purpose (about 10-20 s): it starts a server, runs two generators and a
 * full TypeScript compile, each in its own process. That is what proves the
 * generated code compiles strictly and talks to the documented base URL.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../contract-tests/lib/settings.js';
import { spawnSandbox, type SpawnedSandbox } from '../contract-tests/lib/spawn-sandbox.js';

const run = promisify(execFile);
const bin = (name: string) => join(PROJECT_ROOT, 'node_modules', '.bin', name);
/** Runs a Node program (a package's bin or a compiled file) with this Node; fails with its output. */
const node = async (args: string[], cwd: string) => {
  try {
    return (await run(process.execPath, args, { cwd, timeout: 60_000 })).stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`node ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
};

// Inside the project, so the programs resolve openapi-fetch and @types/node from its
// node_modules; git-ignored, and removed afterwards.
const WORK_ROOT = join(PROJECT_ROOT, '.generated-clients');

let server: SpawnedSandbox;
let work: string;
let apiBase: string;

/** The openapi-typescript types with openapi-fetch: balance, products, a purchase, the balance again. */
const OPENAPI_FETCH_PROGRAM = `
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

const client = createClient<paths>({ baseUrl: process.argv[2], headers: { 'X-API-Key': 'mk_test_alice' } });
const before = await client.GET('/balance');
const products = await client.GET('/products');
const bought = await client.POST('/purchase', {
  body: { product_id: '002', quantity: 1 },
  params: { header: { 'Idempotency-Key': 'generated-openapi-fetch-1' } },
});
const after = await client.GET('/balance');
if (!before.data || !products.data || !bought.data || !after.data) throw new Error(JSON.stringify(bought.error ?? before.error));
const balance: number = before.data.balance;
const ids: string[] = products.data.products.map((product) => product.id);
const codes: string[] = bought.data.codes;
console.log(JSON.stringify({ balance, ids, codes, remaining: bought.data.balance_remaining, after: after.data.balance }));
`;

/** The hey-api SDK with no baseUrl set: it must default to the sandbox that served the document. */
const HEY_API_PROGRAM = `
import { client } from './hey-api/client.gen.js';
import { getBalance, listProducts, purchase } from './hey-api/sdk.gen.js';

client.setConfig({ auth: 'mk_test_alice' });
const defaultBaseUrl = client.getConfig().baseUrl;
const before = await getBalance();
const products = await listProducts();
const bought = await purchase({
  body: { product_id: '002', quantity: 1 },
  headers: { 'Idempotency-Key': 'generated-hey-api-1' },
});
const after = await getBalance();
if (!before.data || !products.data || !bought.data || !after.data) throw new Error(JSON.stringify(bought.error ?? before.error));
const balance: number = before.data.balance;
const ids: string[] = products.data.products.map((product) => product.id);
const codes: string[] = bought.data.codes;
console.log(JSON.stringify({ defaultBaseUrl, balance, ids, codes, remaining: bought.data.balance_remaining, after: after.data.balance }));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: false,
    outDir: 'out',
    rootDir: '.',
    types: ['node'],
  },
  include: ['*.ts', 'hey-api/**/*.ts'],
};

beforeAll(async () => {
  server = await spawnSandbox({ db: ':memory:' });
  apiBase = `${server.baseUrl}/api/v1`;
  mkdirSync(WORK_ROOT, { recursive: true });
  work = mkdtempSync(join(WORK_ROOT, 'run-'));
  const served = await fetch(`${server.baseUrl}/openapi.yaml`);
  expect(served.status).toBe(200);
  writeFileSync(join(work, 'openapi.yaml'), await served.text());
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  writeFileSync(join(work, 'openapi-fetch-program.ts'), OPENAPI_FETCH_PROGRAM);
  writeFileSync(join(work, 'hey-api-program.ts'), HEY_API_PROGRAM);

  await Promise.all([
    node([bin('openapi-typescript'), 'openapi.yaml', '--output', 'schema.d.ts'], work),
    // The tsconfig beside it (NodeNext) makes the SDK import with .js extensions, as Node needs.
    node([bin('openapi-ts'), '--input', 'openapi.yaml', '--output', 'hey-api', '--client', '@hey-api/client-fetch', '--no-log-file', '--silent'], work),
  ]);
  await node([join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--strict'], work);
}, 120_000);

afterAll(() => {
  server?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
  if (readdirSync(WORK_ROOT, { withFileTypes: true }).length === 0) rmSync(WORK_ROOT, { recursive: true, force: true });
});

describe('clients generated from the served GET /openapi.yaml', () => {
  it('openapi-typescript + openapi-fetch: balance, products, a purchase with an Idempotency-Key at the documented base URL', async () => {
    const out = JSON.parse(await node([join(work, 'out', 'openapi-fetch-program.js'), apiBase], work));
    expect(out.balance).toBe(100);
    expect(out.ids).toContain('002');
    expect(out.codes).toHaveLength(1);
    expect(out.codes[0]).toMatch(/^SBX-002-/);
    expect(out.remaining).toBe(95);
    expect(out.after).toBe(95);
  });

  it('@hey-api/openapi-ts: the SDK defaults to this sandbox (the served document names it first) and buys', async () => {
    const out = JSON.parse(await node([join(work, 'out', 'hey-api-program.js')], work));
    expect(out.defaultBaseUrl).toBe(apiBase);
    expect(typeof out.balance).toBe('number');
    expect(out.ids).toContain('002');
    expect(out.codes).toHaveLength(1);
    expect(out.after).toBe(out.balance - 5);
    expect(out.remaining).toBe(out.after);
  });
});

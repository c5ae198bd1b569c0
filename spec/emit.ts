/**
 * `npm run spec:emit`: writes the generated files of spec/ from the route definitions —
 * spec/openapi.yaml, spec/control-openapi.yaml, and the TypeScript types openapi-typescript
 * makes of them (spec/generated/), which the contract kit and the tests use instead of hand copies.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './generated-files.js';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

mkdirSync(here('./generated/'), { recursive: true });
for (const file of await generatedFiles()) {
  writeFileSync(here(file.path), file.text);
  console.log(`wrote spec/${file.path}`);
}

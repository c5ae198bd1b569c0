/** `npm run spec:emit`: writes spec/openapi.yaml and spec/control-openapi.yaml from the route definitions. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApiDocument, buildControlDocument, toYaml } from './documents.js';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

writeFileSync(here('./openapi.yaml'), toYaml(buildApiDocument()));
writeFileSync(here('./control-openapi.yaml'), toYaml(buildControlDocument()));
console.log('wrote spec/openapi.yaml and spec/control-openapi.yaml');

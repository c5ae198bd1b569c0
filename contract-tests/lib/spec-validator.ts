/**
 * An independent judge of responses: reads an OpenAPI 3.1 document (the YAML file, not the
 * server's zod objects) and checks status, content type, required headers and body with ajv's
 * JSON Schema 2020-12 validator.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { hasAtMostDecimals } from './money.js';

const addFormats = addFormatsModule.default;

/** One thing wrong with a response: where (a JSON pointer into the body, `status` or a header) and what. */
export interface Violation {
  where: string;
  message: string;
}

export interface ObservedResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface DeclaredHeader {
  name: string;
  required: boolean;
  schema: unknown;
}

export interface DeclaredResponse {
  status: string;
  schema: unknown | undefined;
  mediaTypes: string[];
  headers: DeclaredHeader[];
  /** Error codes the body may carry (from the `code` enum); empty for success bodies. */
  codes: string[];
  mockExtension: boolean;
}

export interface DeclaredOperation {
  operationId: string;
  method: string;
  path: string;
  responses: DeclaredResponse[];
}

/** A response that broke the contract; the message names operation, status, field and body. */
export class ContractViolationError extends Error {
  override name = 'ContractViolationError';
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly violations: Violation[],
    readonly bodyText: string,
  ) {
    super(
      `Contract violation: ${operation} answered ${status}\n` +
        violations.map((v) => `  - ${v.where}: ${v.message}`).join('\n') +
        `\n  body: ${shorten(bodyText, 1500)}`,
    );
  }
}

export function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}… (${oneLine.length} chars)` : oneLine || '(empty)';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The spec's machine-readable money rule: a number with at most this many decimal places. */
const DECIMALS_KEYWORD = 'x-decimal-places';

/** Rewrites local refs to the schema id ajv knows, and collects the extension keywords ajv must accept. */
function prepare(node: Json, specId: string, vocabulary: Set<string>): Json {
  if (Array.isArray(node)) return node.map((item) => prepare(item, specId, vocabulary));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
      out[key] = `${specId}#/$defs/${value.slice('#/components/schemas/'.length)}`;
      continue;
    }
    if (key.startsWith('x-') || key === 'example') vocabulary.add(key);
    out[key] = prepare(value, specId, vocabulary);
  }
  return out;
}

function describeError(error: ErrorObject): Violation {
  const where = error.instancePath === '' ? '(body)' : error.instancePath;
  if (error.keyword === DECIMALS_KEYWORD) {
    return { where, message: `must be an exact amount with at most ${String(error.schema)} decimal places (got ${JSON.stringify(error.data)})` };
  }
  const extra =
    error.keyword === 'enum'
      ? ` ${JSON.stringify((error.params as { allowedValues: unknown }).allowedValues)} (got ${JSON.stringify(error.data)})`
      : error.keyword === 'additionalProperties'
        ? ` ('${(error.params as { additionalProperty: string }).additionalProperty}')`
        : error.keyword === 'type' || error.keyword === 'const' || error.keyword.startsWith('m')
          ? ` (got ${JSON.stringify(error.data)})`
          : '';
  return { where, message: `${error.message ?? error.keyword}${extra}` };
}

/** Collapses ajv's allOf echoes: the same complaint about the same field once. */
function unique(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.where}\u0000${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * @example
 *   const spec = SpecValidator.fromFile('spec/openapi.yaml');
 *   const problems = spec.check('getBalance', { status, headers, text });
 */
export class SpecValidator {
  readonly #ajv: Ajv2020;
  readonly #specId: string;
  readonly #document: JsonObject;
  readonly #operations = new Map<string, DeclaredOperation>();
  readonly #compiled = new Map<unknown, ValidateFunction>();

  static fromFile(path: string): SpecValidator {
    return new SpecValidator(parse(readFileSync(path, 'utf8')) as Json, `file://${path}`);
  }

  constructor(document: Json, specId: string) {
    if (!isObject(document) || !isObject(document.paths)) throw new Error(`${specId} is not an OpenAPI document`);
    this.#specId = specId;
    const vocabulary = new Set<string>();
    this.#document = prepare(document, specId, vocabulary) as JsonObject;
    this.#ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true, verbose: true });
    addFormats(this.#ajv);
    const int = (bits: number) => ({
      type: 'number' as const,
      validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1),
    });
    this.#ajv.addFormat('int32', int(32));
    this.#ajv.addFormat('int64', int(64));
    this.#ajv.addFormat('float', { type: 'number', validate: () => true });
    this.#ajv.addFormat('double', { type: 'number', validate: () => true });
    this.#ajv.addVocabulary([...vocabulary].filter((k) => k !== DECIMALS_KEYWORD));
    this.#ajv.addKeyword({
      keyword: DECIMALS_KEYWORD,
      type: 'number',
      schemaType: 'number',
      validate: (places: number, data: number) => hasAtMostDecimals(data, places),
    });
    const components = isObject(this.#document.components) ? this.#document.components : {};
    this.#ajv.addSchema({ $id: specId, $defs: isObject(components.schemas) ? components.schemas : {} });
    this.#indexOperations();
  }

  #indexOperations(): void {
    const paths = this.#document.paths as JsonObject;
    for (const [path, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']) {
        const op = item[method];
        if (!isObject(op) || typeof op.operationId !== 'string') continue;
        const responses: DeclaredResponse[] = [];
        for (const [status, response] of Object.entries(isObject(op.responses) ? op.responses : {})) {
          if (!isObject(response)) continue;
          const content = isObject(response.content) ? response.content : {};
          const mediaTypes = Object.keys(content);
          const first = mediaTypes[0] ? content[mediaTypes[0]] : undefined;
          const schema = isObject(first) ? first.schema : undefined;
          const headers = Object.entries(isObject(response.headers) ? response.headers : {}).map(([name, h]) => ({
            name,
            required: isObject(h) && h.required === true,
            schema: isObject(h) ? h.schema : undefined,
          }));
          responses.push({
            status,
            schema,
            mediaTypes,
            headers,
            codes: schema === undefined ? [] : this.#codesOf(schema),
            mockExtension: response['x-mock-extension'] === true,
          });
        }
        this.#operations.set(op.operationId, { operationId: op.operationId, method: method.toUpperCase(), path, responses });
      }
    }
  }

  /** The `code` values a body schema allows: the narrowest enum found along allOf. */
  #codesOf(schema: Json | undefined, depth = 0): string[] {
    if (!isObject(schema) || depth > 10) return [];
    if (typeof schema.$ref === 'string') return this.#codesOf(this.#resolve(schema.$ref), depth + 1);
    const own = isObject(schema.properties) && isObject(schema.properties.code) ? schema.properties.code : undefined;
    if (own && Array.isArray(own.enum)) return own.enum.filter((c): c is string => typeof c === 'string');
    const parts = Array.isArray(schema.allOf) ? schema.allOf.map((part) => this.#codesOf(part, depth + 1)) : [];
    const nonEmpty = parts.filter((codes) => codes.length > 0).sort((a, b) => a.length - b.length);
    if (nonEmpty[0]) return nonEmpty[0];
    if (own && typeof own.$ref === 'string') return this.#codesOf({ properties: { code: this.#resolve(own.$ref) } }, depth + 1);
    return [];
  }

  #resolve(ref: string): Json {
    const name = ref.split('#/$defs/')[1];
    const schemas = isObject(this.#document.components) && isObject(this.#document.components.schemas) ? this.#document.components.schemas : {};
    return (name && schemas[name]) ?? null;
  }

  #validator(schema: unknown): ValidateFunction {
    let validate = this.#compiled.get(schema);
    if (!validate) {
      validate = this.#ajv.compile(schema as object);
      this.#compiled.set(schema, validate);
    }
    return validate;
  }

  get specId(): string {
    return this.#specId;
  }

  operations(): DeclaredOperation[] {
    return [...this.#operations.values()];
  }

  operation(operationId: string): DeclaredOperation {
    const op = this.#operations.get(operationId);
    if (!op) throw new Error(`operation ${operationId} is not in ${this.#specId}`);
    return op;
  }

  /** The path of the document's first server URL: `/api/v1` for the public API, '' for the control API. */
  basePath(): string {
    const servers = this.#document.servers;
    const url = Array.isArray(servers) && isObject(servers[0]) ? servers[0].url : undefined;
    return typeof url === 'string' ? new URL(url).pathname.replace(/\/+$/, '') : '';
  }

  /**
   * Where an operation is served: its method, and its path below a server's origin (the first
   * server's path joined with the operation's, `{params}` filled in).
   *
   * @example
   *   spec.route('purchase'); // { method: 'POST', path: '/api/v1/purchase' }
   */
  route(operationId: string, params: Record<string, string> = {}): { method: string; path: string } {
    const op = this.operation(operationId);
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`${operationId} (${op.path}) needs the path parameter ${name}`);
      return encodeURIComponent(value);
    });
    return { method: op.method, path: `${this.basePath()}${path}` };
  }

  /** The enum of a named component schema, e.g. every documented error code. */
  enumOf(schemaName: string): string[] {
    const schema = this.#resolve(`#/$defs/${schemaName}`);
    return isObject(schema) && Array.isArray(schema.enum) ? schema.enum.filter((v): v is string => typeof v === 'string') : [];
  }

  /** Checks a value against a named component schema. */
  checkSchema(schemaName: string, value: unknown): Violation[] {
    const validate = this.#validator({ $ref: `${this.#specId}#/$defs/${schemaName}` });
    return validate(value) ? [] : unique((validate.errors ?? []).map(describeError));
  }

  /** Everything wrong with one response to one operation; empty when it keeps the contract. */
  check(operationId: string, response: ObservedResponse): Violation[] {
    const op = this.operation(operationId);
    const status = String(response.status);
    const declared =
      op.responses.find((r) => r.status === status) ??
      op.responses.find((r) => r.status.toUpperCase() === `${status[0]}XX`) ??
      op.responses.find((r) => r.status === 'default');
    if (!declared) {
      return [
        {
          where: 'status',
          message: `${status} is not declared for ${operationId} (declared: ${op.responses.map((r) => r.status).join(', ')})`,
        },
      ];
    }
    const violations: Violation[] = [];
    for (const header of declared.headers) {
      const value = response.headers.get(header.name);
      if (value === null) {
        if (header.required) violations.push({ where: `header ${header.name}`, message: 'required header is missing' });
        continue;
      }
      if (header.schema !== undefined) {
        const validate = this.#validator(header.schema);
        if (!validate(value)) {
          violations.push({ where: `header ${header.name}`, message: `${validate.errors?.[0]?.message ?? 'invalid'} (got '${value}')` });
        }
      }
    }
    if (declared.mediaTypes.length === 0) return violations;
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!declared.mediaTypes.includes(contentType)) {
      violations.push({
        where: 'header Content-Type',
        message: `must be ${declared.mediaTypes.join(' or ')} (got '${contentType || 'none'}')`,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      violations.push({ where: '(body)', message: 'is not JSON' });
      return violations;
    }
    if (declared.schema !== undefined) {
      const validate = this.#validator(declared.schema);
      if (!validate(body)) violations.push(...unique((validate.errors ?? []).map(describeError)));
    }
    return violations;
  }
}

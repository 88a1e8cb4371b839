// GitHub's published OpenAPI description (@octokit/openapi) as the judge of every request and response the
// emulator sees. The description is read once per process; validators are compiled per operation on first use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { componentsDocument, convertSchema, isRecord, type JsonSchema } from './schema-convert.js';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
  'x-multi-segment'?: boolean;
}

interface MediaType {
  schema?: unknown;
}

interface ResponseObject {
  content?: Record<string, MediaType>;
}

interface Operation {
  operationId: string;
  parameters?: unknown[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses: Record<string, unknown>;
}

interface Description {
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, unknown>;
    parameters: Record<string, Parameter>;
    responses: Record<string, ResponseObject>;
  };
}

interface CompiledOperation {
  method: string;
  template: string;
  operationId: string;
  pattern: RegExp;
  pathParams: string[];
  specificity: number;
  operation: Operation;
  parameters: Parameter[];
}

export interface OperationMatch {
  method: string;
  /** The path template as the description spells it, e.g. `/repos/{owner}/{repo}/pulls`. */
  template: string;
  operationId: string;
  params: Record<string, string>;
  compiled: CompiledOperation;
}

/** Statuses GitHub returns on any endpoint without declaring them per operation (bad credentials, no access). */
const UNDECLARED_BUT_UNIVERSAL = new Set([401, 404]);

const require = createRequire(import.meta.url);
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function errorsText(validate: ValidateFunction): string[] {
  return (validate.errors ?? [])
    .slice(0, 8)
    .map(
      (e) =>
        `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${
          e.params && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''
        }`,
    );
}

export class OpenApiDescription {
  private readonly ajv: Ajv;
  private readonly operations: CompiledOperation[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(private readonly description: Description) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    // GitHub's own format for `owner/name`.
    this.ajv.addFormat('repo.nwo', /^[\w.-]+\/[\w.-]+$/);
    this.ajv.addSchema(componentsDocument(description.components.schemas));
    for (const [template, item] of Object.entries(description.paths)) {
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters' || !isRecord(operation)) continue;
        this.operations.push(
          this.compileOperation(method.toUpperCase(), template, operation as unknown as Operation, shared),
        );
      }
    }
  }

  private static cached: OpenApiDescription | undefined;

  /** The api.github.com description, parsed once per process. */
  static load(): OpenApiDescription {
    if (!this.cached) {
      const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
      this.cached = new OpenApiDescription(JSON.parse(readFileSync(file, 'utf8')) as Description);
    }
    return this.cached;
  }

  private resolveParameter(parameter: unknown): Parameter {
    if (isRecord(parameter) && typeof parameter.$ref === 'string') {
      const name = parameter.$ref.split('/').pop() ?? '';
      const resolved = this.description.components.parameters[name];
      if (!resolved) throw new Error(`unknown parameter ${parameter.$ref}`);
      return resolved;
    }
    return parameter as Parameter;
  }

  private compileOperation(
    method: string,
    template: string,
    operation: Operation,
    shared: unknown[],
  ): CompiledOperation {
    const parameters = [...shared, ...(operation.parameters ?? [])].map((p) => this.resolveParameter(p));
    const pathParams: string[] = [];
    let literals = 0;
    let multiSegment = 0;
    const source = template
      .split('/')
      .map((segment) => {
        if (!segment.includes('{')) {
          if (segment) literals += 1;
          return escapeRegExp(segment);
        }
        return segment
          .split(/(\{[^}]+\})/)
          .map((piece) => {
            const name = /^\{([^}]+)\}$/.exec(piece)?.[1];
            if (!name) return escapeRegExp(piece);
            pathParams.push(name);
            const multi = parameters.some((p) => p.name === name && p.in === 'path' && p['x-multi-segment'] === true);
            if (multi) multiSegment += 1;
            return multi ? '(.+?)' : '([^/]+?)';
          })
          .join('');
      })
      .join('/');
    return {
      method,
      template,
      operationId: operation.operationId,
      operation,
      parameters,
      pathParams,
      pattern: new RegExp(`^${source}$`),
      specificity: literals * 10 - multiSegment,
    };
  }

  /** The documented operation for a method and a raw (still percent-encoded) path, most specific template first. */
  match(method: string, rawPath: string): OperationMatch | undefined {
    let best: { compiled: CompiledOperation; groups: string[] } | undefined;
    for (const compiled of this.operations) {
      if (compiled.method !== method) continue;
      const found = compiled.pattern.exec(rawPath);
      if (!found) continue;
      if (!best || compiled.specificity > best.compiled.specificity) best = { compiled, groups: found.slice(1) };
    }
    if (!best) return undefined;
    const params: Record<string, string> = {};
    best.compiled.pathParams.forEach((name, i) => {
      params[name] = decodeURIComponent(best.groups[i] ?? '');
    });
    const { compiled } = best;
    return { method, template: compiled.template, operationId: compiled.operationId, params, compiled };
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(convertSchema(schema) as JsonSchema);
      this.validators.set(key, validate);
    }
    return validate;
  }

  private checkValue(key: string, schema: unknown, value: unknown, what: string): string[] {
    const validate = this.validator(key, schema);
    return validate(value) ? [] : errorsText(validate).map((text) => `${what}: ${text}`);
  }

  /** Violations of the description by a request: path and query parameters, then the JSON body. */
  validateRequest(match: OperationMatch, query: URLSearchParams, body: { present: boolean; value: unknown }): string[] {
    const { compiled } = match;
    const problems: string[] = [];
    for (const parameter of compiled.parameters) {
      const key = `${compiled.operationId} ${parameter.in} ${parameter.name}`;
      if (parameter.in === 'path') {
        const raw = match.params[parameter.name];
        if (raw !== undefined)
          problems.push(
            ...this.checkValue(
              key,
              parameter.schema,
              coerce(raw, parameter.schema),
              `path parameter ${parameter.name}`,
            ),
          );
      } else if (parameter.in === 'query') {
        const values = query.getAll(parameter.name);
        if (values.length === 0) {
          if (parameter.required) problems.push(`query parameter ${parameter.name} is required`);
          continue;
        }
        const isArray = isRecord(parameter.schema) && parameter.schema.type === 'array';
        const value = isArray
          ? values.flatMap((v) => v.split(','))
          : coerce(values[values.length - 1] ?? '', parameter.schema);
        problems.push(...this.checkValue(key, parameter.schema, value, `query parameter ${parameter.name}`));
      }
    }
    for (const name of new Set(query.keys())) {
      if (!compiled.parameters.some((p) => p.in === 'query' && p.name === name))
        problems.push(`query parameter ${name} is not documented`);
    }
    const requestBody = compiled.operation.requestBody;
    if (!body.present) {
      if (requestBody?.required) problems.push('request body is required');
      return problems;
    }
    const schema = requestBody?.content?.['application/json']?.schema;
    if (!requestBody) problems.push('this operation takes no request body');
    else if (!schema) problems.push('this operation takes no JSON request body');
    else problems.push(...this.checkValue(`${compiled.operationId} request`, schema, body.value, 'request body'));
    return problems;
  }

  /** Violations of the description by a response: an undeclared status, or a body its schema rejects. */
  validateResponse(match: OperationMatch, status: number, body: unknown): string[] {
    const { compiled } = match;
    const responses = compiled.operation.responses;
    const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (!declared) {
      if (status >= 500 || UNDECLARED_BUT_UNIVERSAL.has(status)) {
        if (body === undefined) return [];
        return this.checkValue(
          'basic-error',
          { $ref: '#/components/schemas/basic-error' },
          body,
          `response ${status} body`,
        );
      }
      return [`response status ${status} is not declared (declared: ${Object.keys(responses).join(', ')})`];
    }
    const response = this.resolveResponse(declared);
    const content = response.content;
    if (!content) return body === undefined ? [] : [`response ${status} must have no body`];
    const media = content['application/json'] ?? Object.entries(content).find(([type]) => type.endsWith('json'))?.[1];
    if (!media?.schema) return [];
    if (body === undefined) return [`response ${status} must have a JSON body`];
    return this.checkValue(`${compiled.operationId} ${status}`, media.schema, body, `response ${status} body`);
  }

  private resolveResponse(response: unknown): ResponseObject {
    if (isRecord(response) && typeof response.$ref === 'string') {
      const name = response.$ref.split('/').pop() ?? '';
      return this.description.components.responses[name] ?? {};
    }
    return response as ResponseObject;
  }
}

/** Query and path values arrive as strings; turn them into what their schema's type expects. */
function coerce(raw: string, schema: unknown): unknown {
  const type = isRecord(schema) ? schema.type : undefined;
  if ((type === 'integer' || type === 'number') && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

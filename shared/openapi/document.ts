/**
 * The OpenAPI 3.1 document of the decision API and the admin API, generated from the zod
 * schemas the workers parse with (zod's toJSONSchema, JSON Schema 2020-12 as OpenAPI 3.1 uses)
 * and the route table. `tessera openapi` writes it to docs/openapi.json; the control plane
 * serves that file at GET /v1/openapi.json, so no worker ships the generator.
 */
import * as z from '../schema/zod.ts';
import { COMPONENTS, DESCRIPTIONS, type ComponentName } from './components.ts';
import { ROUTES, type RouteDoc } from './routes.ts';

type Json = Record<string, unknown>;

export const OPENAPI_PATH = '/v1/openapi.json';

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed body: `invalid_json`, or `invalid_request` with `issues` naming each field',
  401: 'No token, or one that is forged, expired or not an admin/decide token',
  403: 'The token lacks the scope this route needs (`insufficient_scope`)',
  404: 'Not found',
  409: 'Someone else moved the live pointer meanwhile (`current` says to what)',
  413: 'The body (or the batch) is too large',
  415: 'Not sent as `application/json`',
  422: 'Well-formed, but names something that does not exist or cannot be used',
  429: 'Too many calls: wait `Retry-After` seconds',
  503: 'A dependency is not ready (nothing published yet, the queue is down): retry later',
};

/** Every registered schema as a component, cross-referenced by name. */
function componentSchemas(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    // Request bodies as callers write them (defaults optional); answers are plain objects.
    io: 'input',
    unrepresentable: 'any',
  }) as { schemas: Record<string, Json> };
  const out: Record<string, Json> = {};
  for (const name of Object.keys(COMPONENTS) as ComponentName[]) {
    // The document names the dialect once; a component's own $id/$schema would be a second base.
    const { $id: _id, $schema: _schema, ...schema } = schemas[name]!;
    const doc = DESCRIPTIONS[name];
    if (doc) {
      schema.description = doc.self;
      for (const [prop, text] of Object.entries(doc.props ?? {})) {
        const props = schema.properties as Record<string, Json> | undefined;
        const target = props?.[prop];
        if (!target) throw new Error(`openapi: ${name} has no property "${prop}" to describe`);
        target.description = text;
      }
    }
    out[name] = schema;
  }
  return out;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function operation(r: RouteDoc): Json {
  const decisionApi = r.path.startsWith('/v1/');
  const errorSchema = ref(decisionApi ? 'ApiError' : 'AdminError');
  const responses: Json = {};
  for (const status of r.ok.statuses) {
    responses[String(status)] = {
      description: status === 201 ? 'Created' : status === 202 ? 'Accepted' : 'OK',
      content: {
        'application/json': {
          schema: r.ok.schema === 'OpenApiDocument' ? { type: 'object' } : ref(r.ok.schema),
        },
      },
    };
  }
  const errors = r.scope ? [401, 403, ...r.errors] : r.errors;
  for (const status of [...new Set(errors)].sort()) {
    responses[String(status)] = {
      description: STATUS_TEXT[status] ?? 'Error',
      content: { 'application/json': { schema: errorSchema } },
    };
  }
  return {
    operationId: `${r.method}${r.path
      .replace(/[{}]/g, '')
      .split(/[/.-]/)
      .filter(Boolean)
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join('')}`,
    tags: [r.tag],
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    security: r.scope ? [{ bearerAuth: [r.scope] }] : [],
    ...(r.params
      ? {
          parameters: r.params.map((p) => ({
            name: p.name,
            in: p.in,
            required: p.in === 'path',
            description: p.description,
            schema: { type: 'string', ...(p.pattern ? { pattern: p.pattern } : {}) },
          })),
        }
      : {}),
    ...(r.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref(r.body) } },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const r of ROUTES) (paths[r.path] ??= {})[r.method] = operation(r);
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Tessera decision and admin API',
      version: '1.0.0',
      description:
        'Decisions for other channels (apps, email, servers) on the same visit pipeline as pages, and the admin API the `tessera` CLI uses. Every route takes a bearer token minted with ADMIN_KEYS (`tessera token admin --scope <scope>`); the scope a route needs is listed in its security requirement. README: "Decisions for other channels".',
    },
    servers: [
      {
        url: 'https://shop.example.com',
        description: 'Your site (the workers’ production routes)',
      },
      { url: 'http://127.0.0.1:8787', description: 'npm run dev' },
    ],
    tags: [
      {
        name: 'Decisions',
        description: 'For servers: decide, in batches, and record events (scope `decide`).',
      },
      { name: 'Publishing', description: 'Versions, the live pointer, history, previews.' },
      { name: 'Experiments', description: 'Reports.' },
      { name: 'Privacy', description: 'Access and erasure by id (scope `privacy`).' },
      { name: 'Contract', description: 'This document.' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An HS256 JWT signed with ADMIN_KEYS: issuer `tessera`, audience `tessera-admin`, a `scope` claim (space-separated: decide, publish, read, preview, privacy). Never a cookie.',
        },
      },
      schemas: componentSchemas(),
    },
  };
}

/** The document as docs/openapi.json holds it. */
export const openApiText = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

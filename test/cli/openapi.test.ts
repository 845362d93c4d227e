/**
 * The OpenAPI document (docs/openapi.json): generated from the zod schemas the workers parse
 * with, current, valid OpenAPI 3.1 by an independent validator (@seriousme/openapi-schema-
 * validator, the official JSON schemas), and faithful to those schemas: bodies the API accepts
 * and refuses are the ones the document's schemas accept and refuse.
 */
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument, openApiText } from '../../shared/openapi/document.ts';
import { ROUTES } from '../../shared/openapi/routes.ts';
import { OPENAPI_FILE } from '../../cli/lib/paths.ts';

const file = readFileSync(OPENAPI_FILE, 'utf8');
type Json = Record<string, unknown>;
const doc = JSON.parse(file) as {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
};

describe('docs/openapi.json', () => {
  it('is what `tessera openapi` generates from the schemas today (run it after changing them)', () => {
    expect(file).toBe(openApiText());
  });

  it('is a valid OpenAPI 3.1 document, every $ref resolving', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(openApiDocument());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is refused by the validator when broken (the check above can fail)', async () => {
    const broken = openApiDocument() as { paths: Record<string, Record<string, Json>> };
    broken.paths['/v1/decisions']!.post!.responses = { 200: { content: {} } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('lists every route of the route table once, with its scope and its answers', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort());
    for (const r of ROUTES) {
      const op = doc.paths[r.path]![r.method]! as {
        security: Record<string, string[]>[];
        responses: Record<string, unknown>;
      };
      expect(op.security).toEqual(r.scope ? [{ bearerAuth: [r.scope] }] : []);
      for (const s of r.ok.statuses) expect(op.responses[String(s)]).toBeDefined();
      if (r.scope)
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('names the decide scope on every decision route, and describes the request fields', () => {
    for (const path of ['/v1/decisions', '/v1/decisions/batch', '/v1/events'])
      expect(doc.paths[path]!.post!.security).toEqual([{ bearerAuth: ['decide'] }]);
    const request = doc.components.schemas.DecisionRequest as {
      required: string[];
      properties: Record<string, { description?: string }>;
    };
    expect(request.required.sort()).toEqual(['channel', 'consent', 'subject']);
    for (const [name, prop] of Object.entries(request.properties))
      expect(prop.description, name).toBeTruthy();
  });
});

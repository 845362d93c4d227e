/**
 * `tessera openapi [--out docs/openapi.json]`: writes the OpenAPI 3.1 document of the decision
 * and admin APIs, generated from the zod schemas (shared/openapi/). The control plane serves
 * that file; a test fails when it is stale, invalid, or misses a route.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiText } from '../../shared/openapi/document.ts';
import { OPENAPI_FILE } from '../lib/paths.ts';

export function writeOpenApi(out: string | undefined, log: (line: string) => void): void {
  const file = out ? path.resolve(out) : OPENAPI_FILE;
  writeFileSync(file, openApiText());
  log(`wrote ${path.relative(process.cwd(), file) || file}`);
}

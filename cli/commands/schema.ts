/**
 * `tessera schema`: writes content-variants/schema/*.schema.json from the zod schemas, so
 * editors complete and check content files (each names its schema with `$schema`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemaFiles } from '../lib/schema-files.ts';

export function writeSchemas(dir: string, log: (l: string) => void): void {
  const out = path.join(dir, 'schema');
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(schemaFiles())) {
    writeFileSync(path.join(out, name), text);
    log(`wrote ${path.relative(process.cwd(), path.join(out, name)) || name}`);
  }
}

/**
 * Upload: validate a bundle body with the shared schemas and integrity checks, name it by its
 * content hash and store it. Nothing is written unless the whole body is valid. Storing the
 * same content twice is harmless (same key, same bytes), so uploads are idempotent.
 */
import type { Issue } from '../bundle/integrity.ts';
import { parseBundleBody } from '../bundle/parse.ts';
import { bundleVersion } from '../bundle/version.ts';
import { contentKeys } from '../kv-keys.ts';
import type { Bundle } from '../schema/bundle.ts';

export type UploadResult = { ok: true; bundle: Bundle; created: boolean } | { ok: false; issues: Issue[] };

export async function uploadVersion(kv: KVNamespace, input: unknown): Promise<UploadResult> {
  const parsed = parseBundleBody(input);
  if (!parsed.ok) return parsed;
  const bundle: Bundle = { ...parsed.body, version: await bundleVersion(parsed.body) };
  const key = contentKeys.bundle(bundle.version);
  // Immutable: a version that exists already holds exactly these bytes.
  const exists = (await kv.get(key, 'text')) !== null;
  if (!exists) await kv.put(key, JSON.stringify(bundle));
  return { ok: true, bundle, created: !exists };
}

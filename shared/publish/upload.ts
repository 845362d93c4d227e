/**
 * Upload: validate a bundle body with the shared schemas and integrity checks, name it by its
 * content hash and store it (in parts: shared/bundle/version.ts). Nothing is written unless the
 * whole body is valid. Storing the same content twice is harmless (same key, same bytes), so
 * uploads are idempotent.
 */
import type { Issue } from '../bundle/issues.ts';
import { parseBundleBody } from '../bundle/parse.ts';
import {
  bundleText,
  bundleVersion,
  singleBundleText,
  singleBundleVersion,
} from '../bundle/version.ts';
import { contentKeys } from '../kv-keys.ts';
import type { Bundle } from '../schema/bundle.ts';

export type UploadResult =
  { ok: true; bundle: Bundle; created: boolean } | { ok: false; issues: Issue[] };

/**
 * `input` is a bundle body, or a built bundle (`tessera build --out`) whose `version` must then
 * match its content.
 */
export async function uploadVersion(kv: KVNamespace, input: unknown): Promise<UploadResult> {
  let claimed: unknown;
  let body = input;
  if (input && typeof input === 'object' && !Array.isArray(input) && 'version' in input) {
    ({ version: claimed, ...body } = input as Record<string, unknown>);
  }
  const parsed = parseBundleBody(body);
  if (!parsed.ok) return parsed;
  const version = await bundleVersion(parsed.body);
  // A bundle built before the parts form (an older `tessera build --out`) names the version its
  // content had in the single form: it is stored in that form, under that version.
  const singleVersion =
    typeof claimed === 'string' &&
    claimed !== version &&
    claimed === (await singleBundleVersion(parsed.body))
      ? claimed
      : undefined;
  const bundle: Bundle = { ...parsed.body, version: singleVersion ?? version };
  const text = singleVersion ? singleBundleText : bundleText;
  if (claimed !== undefined && claimed !== bundle.version) {
    return {
      ok: false,
      issues: [
        {
          path: ['version'],
          message: `does not match the content, which is version ${bundle.version}`,
          found: JSON.stringify(claimed),
        },
      ],
    };
  }
  const key = contentKeys.bundle(bundle.version);
  // Immutable: a version that exists already holds exactly these bytes.
  const exists = (await kv.get(key, 'text')) !== null;
  if (!exists) await kv.put(key, text(bundle));
  return { ok: true, bundle, created: !exists };
}

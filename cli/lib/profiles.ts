/**
 * Profile files → validated profiles, with errors that name the file (and line for NDJSON).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { profileKeys } from '../../shared/kv-keys.ts';
import { Profile } from '../../shared/schema/profile.ts';
import { formatPath } from './content.ts';
import { CliError } from './errors.ts';
import { parseJsonText } from './json-text.ts';

export function profileKey(profile: Profile): string {
  return profile.kind === 'customer'
    ? profileKeys.customer(profile.id)
    : profileKeys.visitor(profile.id);
}

/** Validates one profile; returns the normalized profile or the problems, one per line. */
export function checkProfile(
  json: unknown,
  where: string,
): { ok: true; profile: Profile } | { ok: false; errors: string[] } {
  const parsed = Profile.safeParse(json);
  if (parsed.success) return { ok: true, profile: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => {
      const at = formatPath(i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
      return `${where}${at ? ` at ${at}` : ''}: ${i.message}`;
    }),
  };
}

function parseJson(text: string, where: string): unknown {
  const parsed = parseJsonText(text);
  if (parsed.ok) return parsed.value;
  throw new CliError(
    `${where}:${parsed.position.line}:${parsed.position.column}: invalid JSON: ${parsed.message}`,
  );
}

/** One profile file; `id` from the command line wins over (and must agree with) the file's. */
export function readProfileFile(file: string, id?: string): Profile {
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  const json = parseJson(readFileSync(file, 'utf8'), file);
  if (id !== undefined && json && typeof json === 'object' && !Array.isArray(json)) {
    const fileId = (json as { id?: unknown }).id;
    if (fileId !== undefined && fileId !== id) {
      throw new CliError(
        `${file}: the file's id "${String(fileId)}" differs from the id given on the command line ("${id}")`,
      );
    }
    (json as { id?: unknown }).id = id;
  }
  const checked = checkProfile(json, file);
  if (!checked.ok) throw new CliError(`invalid profile:\n${checked.errors.join('\n')}`);
  return checked.profile;
}

/** Every line of an NDJSON file, all validated before any is returned (all or nothing). */
export function readNdjson(file: string): Profile[] {
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  const profiles: Profile[] = [];
  const errors: string[] = [];
  const seen = new Map<string, number>();
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${file}:${i + 1}`;
      const parsed = parseJsonText(line);
      if (!parsed.ok) {
        errors.push(`${where}:${parsed.position.column}: invalid JSON: ${parsed.message}`);
        return;
      }
      const json = parsed.value;
      const checked = checkProfile(json, where);
      if (!checked.ok) return void errors.push(...checked.errors);
      const key = profileKey(checked.profile);
      const first = seen.get(key);
      if (first !== undefined)
        errors.push(`${where}: duplicate profile "${checked.profile.id}" (first on line ${first})`);
      seen.set(key, i + 1);
      profiles.push(checked.profile);
    });
  if (errors.length) throw new CliError(`nothing imported; fix these first:\n${errors.join('\n')}`);
  if (profiles.length === 0)
    throw new CliError(`${file}: no profiles (expected one JSON object per line)`);
  return profiles;
}

export function sampleProfiles(dir: string): Profile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readProfileFile(path.join(dir, f)));
}

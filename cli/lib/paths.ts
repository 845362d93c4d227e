/** Where things are, relative to the project root (the folder holding wrangler.toml). */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONTENT_DIR = path.join(ROOT, 'content-variants');
export const PROFILES_DIR = path.join(CONTENT_DIR, 'profiles');
export const DEV_VARS = path.join(ROOT, '.dev.vars');
export const DEV_VARS_EXAMPLE = path.join(ROOT, '.dev.vars.example');
export const WRANGLER_TOML = path.join(ROOT, 'wrangler.toml');
/** The decision and admin APIs' OpenAPI document (`tessera openapi`). */
export const OPENAPI_FILE = path.join(ROOT, 'docs', 'openapi.json');

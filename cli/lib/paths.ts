/** Where things are, relative to the project root (the folder holding wrangler.toml). */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONTENT_DIR = path.join(ROOT, 'content-variants');
export const PROFILES_DIR = path.join(CONTENT_DIR, 'profiles');
export const DEV_VARS = path.join(ROOT, '.dev.vars');
export const DEV_VARS_EXAMPLE = path.join(ROOT, '.dev.vars.example');
/** The visitor-facing worker's config (also names the local KV/D1 state both workers share). */
export const WRANGLER_TOML = path.join(ROOT, 'wrangler.toml');
/** The control plane's config (admin API, queue consumers, cron). */
export const CONTROL_TOML = path.join(ROOT, 'control', 'wrangler.toml');
/** wrangler reads .dev.vars next to each config: `npm run dev` keeps this copy of DEV_VARS. */
export const CONTROL_DEV_VARS = path.join(ROOT, 'control', '.dev.vars');
/** The dev-only router in front of both workers (dev/router.ts). */
export const DEV_ROUTER_TOML = path.join(ROOT, 'dev', 'wrangler.toml');
/** The demo origin (demo-origin/): the static site origin mode fronts in local development. */
export const DEMO_ORIGIN_TOML = path.join(ROOT, 'demo-origin', 'wrangler.toml');
/** Where `npm run dev` serves the demo origin; wrangler.toml's ORIGIN_URL points here. */
export const DEMO_ORIGIN_PORT = '8788';
/** Local state of `npm run dev` and `--target local` (wrangler's `--persist-to`). */
export const LOCAL_STATE = path.join(ROOT, '.wrangler', 'state');
/** The decision and admin APIs' OpenAPI document (`tessera openapi`). */
export const OPENAPI_FILE = path.join(ROOT, 'docs', 'openapi.json');

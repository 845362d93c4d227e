/**
 * Where `publish`, `diff`, `history`, `rollback` and `preview` act:
 * - `--target local`: the same persisted KV/D1 state `wrangler dev` uses, through wrangler's
 *   platform proxy, calling shared/publish directly (no server or token needed);
 * - `--target https://…`: a deployed worker's admin API, with TESSERA_ADMIN_TOKEN as bearer.
 * Both run the same shared/publish code (locally in this process, remotely in the worker).
 */
import { userInfo } from 'node:os';
import * as z from '../../shared/schema/zod.ts';
import { toApiIssue } from '../../shared/http/issues.ts';
import { profileKeys } from '../../shared/kv-keys.ts';
import { ApiIssue } from '../../shared/schema/api-error.ts';
import { AuditRecord, listHistory } from '../../shared/publish/history.ts';
import { movePointer, type Action, type MoveResult } from '../../shared/publish/move.ts';
import { readLive, readVersion, type LiveState } from '../../shared/publish/store.ts';
import { uploadVersion } from '../../shared/publish/upload.ts';
import { Bundle, type BundleBody } from '../../shared/schema/bundle.ts';
import {
  HistoryAnswer,
  LiveAnswer,
  MoveAnswer,
  PreviewAnswer,
  UploadAnswer,
} from '../../shared/schema/admin-api.ts';
import {
  PREVIEW_LINK_AUDIENCE,
  PREVIEW_TTL_SECONDS,
  signPreviewToken,
  type PreviewTarget,
} from '../../shared/auth/preview-token.ts';
import { PREVIEW_PATH } from '../../shared/auth/preview-token.ts';
import { adminKeyring } from './dev-keys.ts';
import { CliError } from './errors.ts';
import { withLocalEnv } from './local-env.ts';
import { applyLocalMigrations } from './local-migrations.ts';

export type Upload =
  { ok: true; version: string; created: boolean } | { ok: false; issues: ApiIssue[] };

export interface Target {
  /** Shown in messages: "local" or the URL. */
  name: string;
  live(): Promise<LiveState>;
  version(version: string): Promise<Bundle | undefined>;
  /** Uploads the bundle's body (the target computes and checks the version itself). */
  upload(bundle: Bundle): Promise<Upload>;
  move(to: string, expected: string | null, action: Action): Promise<MoveResult>;
  history(limit: number): Promise<AuditRecord[]>;
  previewUrl(target: PreviewTarget): Promise<{ url: string; expiresAt: string }>;
  /** Whether a visitor profile exists there; undefined when this target cannot tell. */
  hasVisitorProfile(visitorId: string): Promise<boolean | undefined>;
}

function bodyOf(bundle: Bundle): BundleBody {
  const { version: _version, ...body } = bundle;
  return body;
}

export interface TargetOptions {
  /** Local dev server port, for preview URLs. */
  port: string;
  /** Bindings for `--target local` that are already open (tests share one proxy per file). */
  local?: { CONTENT: KVNamespace; DB: D1Database; PROFILES?: KVNamespace };
  /** The clock for local moves and preview expiry (tests pass their own). */
  now?: () => number;
}

export async function withTarget<T>(
  spec: string | undefined,
  o: TargetOptions,
  work: (t: Target) => Promise<T>,
): Promise<T> {
  if (!spec)
    throw new CliError(
      'missing --target: use --target local (the dev server’s state) or --target https://<your worker>',
    );
  if (spec === 'local') {
    if (o.local) return work(await localTarget(o.local.CONTENT, o.local.DB, o, o.local.PROFILES));
    return withLocalEnv(async (env) =>
      work(await localTarget(env.CONTENT, env.DB, o, env.PROFILES)),
    );
  }
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new CliError(
      `--target "${spec}" is neither "local" nor a URL such as https://shop.example.com`,
    );
  }
  if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost'].includes(url.hostname)) {
    throw new CliError(
      `--target ${spec}: admin tokens are only sent over https (http is allowed for 127.0.0.1 and localhost)`,
    );
  }
  return work(remoteTarget(url));
}

async function localTarget(
  kv: KVNamespace,
  db: D1Database,
  o: TargetOptions,
  profiles?: KVNamespace,
): Promise<Target> {
  await applyLocalMigrations(db);
  const store = { kv, db };
  const by = `local:${userInfo().username}`;
  const now = o.now ?? Date.now;
  return {
    name: 'local',
    live: () => readLive(store),
    version: (v) => readVersion(kv, v),
    upload: async (bundle) => {
      const up = await uploadVersion(kv, bodyOf(bundle));
      return up.ok
        ? { ok: true, version: up.bundle.version, created: up.created }
        : { ok: false, issues: up.issues.map(toApiIssue) };
    },
    move: (to, expected, action) => movePointer(store, { to, expected, by, action }, now()),
    history: (limit) => listHistory(db, limit),
    hasVisitorProfile: async (id) =>
      profiles ? (await profiles.get(profileKeys.visitor(id))) !== null : undefined,
    previewUrl: async (target) => {
      const nowSeconds = Math.floor(now() / 1000);
      const expSeconds = nowSeconds + PREVIEW_TTL_SECONDS;
      const token = await signPreviewToken(await adminKeyring(), {
        by,
        target,
        audience: PREVIEW_LINK_AUDIENCE,
        nowSeconds,
        expSeconds,
      });
      return {
        url: `http://127.0.0.1:${o.port}${PREVIEW_PATH}?token=${token}`,
        expiresAt: new Date(expSeconds * 1000).toISOString(),
      };
    },
  };
}

/** The admin API's answers, parsed rather than trusted. */
const Answer = {
  live: LiveAnswer,
  upload: UploadAnswer,
  moved: MoveAnswer,
  preview: PreviewAnswer,
  /** The one error body (shared/schema/api-error.ts), with the details the CLI uses; lenient. */
  error: z.catch(
    z.object({
      error: z._default(
        z.object({
          code: z.optional(z.string()),
          message: z.optional(z.string()),
          issues: z.optional(z.array(ApiIssue)),
          id: z.optional(z.string()),
          current: z.optional(z.nullable(z.string())),
          retryAfterMs: z.optional(z.number()),
        }),
        {},
      ),
    }),
    { error: {} },
  ),
};

const fail = (json: unknown) => Answer.error.parse(json).error;

function remoteTarget(base: URL): Target {
  const token = process.env.TESSERA_ADMIN_TOKEN;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    if (!token) {
      throw new CliError(
        'TESSERA_ADMIN_TOKEN is not set. Export an admin token for this worker (scope publish, read or preview as needed), ' +
          'e.g. `export TESSERA_ADMIN_TOKEN=…`; for a local dev server, `npx tessera token admin --scope publish` prints one.',
      );
    }
    let res: Response;
    try {
      res = await fetch(new URL(path, base), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new CliError(`cannot reach ${base.origin}: ${(error as Error).message}`);
    }
    const json: unknown = await res.json().catch(() => ({}));
    if (res.status === 401 || res.status === 403) {
      const e = fail(json);
      throw new CliError(
        `${base.origin} refused the admin token (${res.status} ${e.code ?? ''}): ${e.message ?? res.statusText}`,
      );
    }
    if (res.status >= 500) {
      const e = fail(json);
      throw new CliError(
        `${base.origin} answered ${res.status}${e.code ? ` ${e.code}` : ''}${e.message ? `: ${e.message}` : ''}` +
          (res.status === 503
            ? `; nothing was changed — retry in ${res.headers.get('retry-after') ?? 'a few'} s`
            : '; this command stopped there'),
      );
    }
    return { status: res.status, json };
  };

  return {
    name: base.origin,
    live: async () => Answer.live.parse((await call('GET', '/admin/live')).json),
    version: async (v) => {
      const r = await call('GET', `/admin/versions/${v}`);
      return r.status === 200 ? Bundle.parse(r.json) : undefined;
    },
    upload: async (bundle) => {
      const r = await call('POST', '/admin/versions', bodyOf(bundle));
      if (r.status === 200 || r.status === 201) return { ok: true, ...Answer.upload.parse(r.json) };
      if (r.status === 422) return { ok: false, issues: fail(r.json).issues ?? [] };
      throw new CliError(
        `upload failed (${r.status}): ${fail(r.json).message ?? 'unexpected answer'}`,
      );
    },
    move: async (to, expected, action) => {
      const r = await call('PUT', '/admin/live', { to, expected, action });
      if (r.status === 200) return Answer.moved.parse(r.json);
      const e = fail(r.json);
      if (r.status === 409)
        return {
          ok: false,
          code: 'conflict',
          message: e.message ?? 'conflict',
          current: e.current ?? null,
        };
      if (r.status === 404)
        return { ok: false, code: 'unknown_version', message: e.message ?? 'unknown version' };
      if (r.status === 429)
        return {
          ok: false,
          code: 'too_soon',
          message: e.message ?? 'too soon',
          retryAfterMs: e.retryAfterMs ?? 1000,
        };
      throw new CliError(
        `moving the live pointer failed (${r.status}): ${e.message ?? 'unexpected answer'}`,
      );
    },
    history: async (limit) => {
      const r = await call('GET', `/admin/history?limit=${limit}`);
      return HistoryAnswer.parse(r.json).records;
    },
    previewUrl: async (target) => {
      const r = await call('POST', '/admin/previews', target);
      if (r.status !== 201)
        throw new CliError(
          `preview failed (${r.status}): ${fail(r.json).message ?? 'unexpected answer'}`,
        );
      return Answer.preview.parse(r.json);
    },
    // The worker checks `as` itself when it signs the link (POST /admin/previews).
    hasVisitorProfile: async () => undefined,
  };
}

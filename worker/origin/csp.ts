/**
 * Tessera's tags under the origin's own Content-Security-Policy. An origin page gets three
 * things from Tessera that a policy can block: the tracker (`<script src="/__tessera/t.js">`),
 * the slots' stylesheet (`<link rel="stylesheet" href="/__tessera/s.css">`) and the tracker's
 * `POST /events`. All three are same-origin URLs. Per policy (a header may hold several, comma
 * separated; `<meta http-equiv>` policies get the same treatment), for each kind:
 *
 *   the directive that governs it      script-src-elem → script-src → default-src (styles alike;
 *                                      connect-src → default-src for the events)
 *   absent                             nothing to do: the policy does not restrict it
 *   already has the page's nonce       nothing to do: Tessera's tags carry that nonce
 *   has a nonce, hash or strict-dynamic  add the page's nonce (inline scripts were already
 *                                      restricted by the nonce/hash, so nothing else changes)
 *   allows 'self' or *                 nothing to do (scripts: unless strict-dynamic)
 *   otherwise                          add exactly Tessera's URL (e.g. https://shop/__tessera/t.js),
 *                                      never 'self' or a nonce: 'unsafe-inline' keeps working and
 *                                      no other same-origin script is let in; 'none' is replaced
 *
 * The nonce is the origin's own when its policy has one for scripts (styles alike), else a fresh
 * one. Report-only policies are left alone (they block nothing). Pure.
 */

export interface CspPlan {
  /** The header value to send (unchanged when nothing needed adding). */
  header: string | null;
  /** The nonce Tessera's <script> must carry, if any policy needs one. */
  scriptNonce?: string;
  /** The nonce Tessera's stylesheet <link> must carry, if any policy needs one. */
  styleNonce?: string;
}

export interface CspTargets {
  /** Absolute URLs of what Tessera adds to the page. */
  script: string;
  style: string;
  connect: string;
  /** A fresh nonce to use when the origin's policy has none of its own. */
  nonce: string;
}

type Directives = Map<string, string[]>;

function parsePolicy(policy: string): { order: string[]; dirs: Directives } {
  const dirs: Directives = new Map();
  const order: string[] = [];
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const name = tokens.shift()?.toLowerCase();
    // The first occurrence of a directive wins; later duplicates are ignored by browsers.
    if (!name || dirs.has(name)) continue;
    dirs.set(name, tokens);
    order.push(name);
  }
  return { order, dirs };
}

const serialize = ({ order, dirs }: { order: string[]; dirs: Directives }) =>
  order.map((name) => [name, ...(dirs.get(name) ?? [])].join(' ')).join('; ');

const CHAINS = {
  script: ['script-src-elem', 'script-src', 'default-src'],
  style: ['style-src-elem', 'style-src', 'default-src'],
  connect: ['connect-src', 'default-src'],
} as const;

const isNonce = (t: string) => /^'nonce-[^']+'$/i.test(t);
const isHashLike = (t: string) =>
  /^'(sha256|sha384|sha512)-[^']+'$/i.test(t) || /^'strict-dynamic'$/i.test(t);
const nonceOf = (t: string) => t.slice(7, -1);

/** The first directive of `chain` the policy has (the one the browser applies). */
const governing = (dirs: Directives, chain: readonly string[]) =>
  chain.find((name) => dirs.has(name));

/** The origin's own nonce for a kind, from the first policy that has one. */
function originNonce(policies: Directives[], chain: readonly string[]): string | undefined {
  for (const dirs of policies) {
    const name = governing(dirs, chain);
    const nonce = name ? dirs.get(name)?.find(isNonce) : undefined;
    if (nonce) return nonceOf(nonce);
  }
  return undefined;
}

/** Adds what `kind` needs to one policy; returns whether the tag needs the nonce. */
function allow(
  dirs: Directives,
  chain: readonly string[],
  url: string,
  nonce: string | undefined,
): boolean {
  const name = governing(dirs, chain);
  if (!name) return false;
  const list = dirs.get(name)!;
  const lower = list.map((t) => t.toLowerCase());
  if (nonce && lower.includes(`'nonce-${nonce}'`.toLowerCase())) return true;
  if (nonce && list.some((t) => isNonce(t) || isHashLike(t))) {
    list.push(`'nonce-${nonce}'`);
    return true;
  }
  if (lower.includes("'self'") || lower.includes('*')) return false;
  const kept = list.filter((t) => t.toLowerCase() !== "'none'");
  dirs.set(name, [...kept, url]);
  return false;
}

/**
 * Adjusts a policy header (or a meta policy's content). `chosen` forces the nonces already put on
 * tags (a meta policy after the header's); otherwise the origin's own nonce is reused.
 */
export function planCsp(
  header: string | null,
  targets: CspTargets,
  chosen: Pick<CspPlan, 'scriptNonce' | 'styleNonce'> = {},
): CspPlan {
  if (!header || !header.trim()) return { header, ...chosen };
  const policies = header.split(',').map(parsePolicy);
  const dirs = policies.map((p) => p.dirs);
  const scriptNonce = chosen.scriptNonce ?? originNonce(dirs, CHAINS.script) ?? targets.nonce;
  const styleNonce = chosen.styleNonce ?? originNonce(dirs, CHAINS.style) ?? targets.nonce;
  let scriptNeeds = chosen.scriptNonce !== undefined;
  let styleNeeds = chosen.styleNonce !== undefined;
  for (const d of dirs) {
    scriptNeeds = allow(d, CHAINS.script, targets.script, scriptNonce) || scriptNeeds;
    styleNeeds = allow(d, CHAINS.style, targets.style, styleNonce) || styleNeeds;
    allow(d, CHAINS.connect, targets.connect, undefined);
  }
  return {
    header: policies.map(serialize).join(', '),
    ...(scriptNeeds ? { scriptNonce } : {}),
    ...(styleNeeds ? { styleNonce } : {}),
  };
}

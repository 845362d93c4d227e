/**
 * What each part of the worker script costs, gzip included: every byte of the emitted index.js
 * is attributed (through its source map) to the source it came from, sources are grouped into
 * parts, and a part's cost is how much smaller the gzipped script gets without it. The parts'
 * costs do not add up exactly to the total (gzip shares its dictionary across parts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface Part {
  part: string;
  rawBytes: number;
  gzipBytes: number;
}

/** First match wins; the path is relative to the repository or `nm:` + a node_modules path. */
const PARTS: [RegExp, string][] = [
  [/^nm:zod\/v4\/locales/, 'zod: English messages'],
  [/^nm:zod/, 'zod/mini'],
  [/^nm:hono\/dist\/jsx/, 'hono/jsx'],
  [/^nm:hono/, 'hono (tiny preset, cookie, html)'],
  [/^nm:/, 'other dependencies'],
  [/(^|\/)control\/console\/assets\.gen/, 'control plane: the marketer console (built UI)'],
  [/(^|\/)control\/console\//, 'control plane: console sign-in, drafts, previews'],
  [/(^|\/)control\/(routes|auth)\//, 'control plane: admin API, reports, privacy by id'],
  [/(^|\/)control\/consumers\//, 'control plane: queue consumers'],
  [/(^|\/)control\//, 'control plane: entry, cron, the rest'],
  [
    /shared\/experiments\/(report|stats|arm-stats|bandit|random)|shared\/bundle\/experiments/,
    'experiments: reports, bandit math, publish checks',
  ],
  [/worker\/experiments\/|shared\/experiments\//, 'experiments: assignment on the page path'],
  [
    /worker\/events\/|worker\/routes\/events|shared\/schema\/events|shared\/profile\//,
    'events, tracker, profile updates',
  ],
  [
    /worker\/privacy\/|shared\/privacy\/|worker\/routes\/privacy|shared\/schema\/consent/,
    'privacy: consent and rights',
  ],
  [
    /shared\/publish\/|shared\/bundle\/|worker\/preview\/|shared\/auth\/preview/,
    'publishing, bundle checks, preview',
  ],
  [/worker\/identity\/|shared\/auth\//, 'identity and tokens (cookies, JWS, keys)'],
  [
    /worker\/context\/|shared\/schema\/context-signals|shared\/bundle\/context-fields/,
    'request context',
  ],
  [/worker\/decide\//, 'decide'],
  [/worker\/render\//, 'render'],
  [/shared\/schema\//, 'schemas'],
  [/./, 'routes, data stores, log, config, the rest'],
];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    let digit = B64.indexOf(ch);
    const more = digit & 32;
    digit &= 31;
    value += digit << shift;
    if (more) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** A source's name as PARTS reads it: relative to the repository, or `nm:` + a node_modules path. */
const sourceName = (source: string) =>
  source.includes('node_modules/')
    ? `nm:${source.slice(source.lastIndexOf('node_modules/') + 13)}`
    : source.replace(/^(\.\.\/)+/, '');

/**
 * Which source a position of the built script (0-based line and column, as a CPU profile gives
 * them) came from, through its source map; undefined without a map or for generated code.
 */
export function sourceAt(script: string): (line: number, column: number) => string | undefined {
  if (!existsSync(`${script}.map`)) return () => undefined;
  const map = JSON.parse(readFileSync(`${script}.map`, 'utf8')) as {
    sources: string[];
    mappings: string;
  };
  const lines: [column: number, source: number][][] = [];
  let source = 0;
  for (const line of map.mappings.split(';')) {
    let column = 0;
    const row: [number, number][] = [];
    for (const segment of line ? line.split(',') : []) {
      const fields = vlq(segment);
      column += fields[0]!;
      if (fields.length > 1) source += fields[1]!;
      row.push([column, fields.length > 1 ? source : -1]);
    }
    lines.push(row);
  }
  return (line, column) => {
    let found = -1;
    for (const [at, src] of lines[line] ?? []) {
      if (at > column) break;
      found = src;
    }
    return found >= 0 ? sourceName(map.sources[found]!) : undefined;
  };
}

/** The script's parts by gzip cost, largest first; empty when there is no source map. */
export function sizeByPart(script: string): Part[] {
  if (!existsSync(`${script}.map`)) return [];
  const js = readFileSync(script, 'utf8');
  const map = JSON.parse(readFileSync(`${script}.map`, 'utf8')) as {
    sources: string[];
    mappings: string;
  };
  const partOf = map.sources.map((source) => {
    const s = sourceName(source);
    return PARTS.find(([re]) => re.test(s))![1];
  });
  // Which source (by index) each character of the script came from.
  const owner = new Int32Array(js.length).fill(-1);
  const starts: [number, number][] = [];
  let offset = 0;
  let source = 0;
  for (const line of map.mappings.split(';')) {
    let column = 0;
    for (const segment of line ? line.split(',') : []) {
      const fields = vlq(segment);
      column += fields[0]!;
      if (fields.length > 1) source += fields[1]!;
      starts.push([offset + column, fields.length > 1 ? source : -1]);
    }
    offset += (js.indexOf('\n', offset) === -1 ? js.length : js.indexOf('\n', offset)) - offset + 1;
  }
  starts.sort((a, b) => a[0] - b[0]);
  starts.forEach(([at, src], i) =>
    owner.fill(src, at, i + 1 < starts.length ? starts[i + 1]![0] : js.length),
  );
  const total = gzipSync(js, { level: 9 }).byteLength;
  return [...new Set(partOf)]
    .map((part) => {
      let kept = '';
      let raw = 0;
      for (let i = 0; i < js.length;) {
        const mine = owner[i]! >= 0 && partOf[owner[i]!] === part;
        let j = i;
        while (j < js.length && (owner[j]! >= 0 && partOf[owner[j]!] === part) === mine) j++;
        if (mine) raw += j - i;
        else kept += js.slice(i, j);
        i = j;
      }
      return { part, rawBytes: raw, gzipBytes: total - gzipSync(kept, { level: 9 }).byteLength };
    })
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
}

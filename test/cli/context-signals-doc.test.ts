import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTEXT_SIGNALS, SIGNAL_NAMES } from '../../shared/schema/context-signals.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The README's signal table rows: `| \`context.<name>\` | <type> | ...`. */
const rows = new Map(
  [...readme.matchAll(/^\| `context\.([A-Za-z]+)`\s*\| (\w+)\s*\|/gm)].map((m) => [m[1]!, m[2]!]),
);

describe('README context signal table', () => {
  it('documents every signal conditions can read, with its type, and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual([...SIGNAL_NAMES].sort());
    for (const name of SIGNAL_NAMES) expect(rows.get(name)).toBe(CONTEXT_SIGNALS[name].type);
  });
});

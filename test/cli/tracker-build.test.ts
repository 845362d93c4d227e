/**
 * The tracker is TypeScript (worker/tracker/script.ts) bundled by esbuild into the module the
 * worker serves: the committed module must be what the source builds to today.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRACKER_MODULE, trackerModule } from '../../scripts/build-tracker.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the tracker script', () => {
  it('is what esbuild builds from worker/tracker/script.ts today (run npm run build:tracker)', async () => {
    expect(readFileSync(path.join(ROOT, TRACKER_MODULE), 'utf8')).toBe(await trackerModule());
  });

  it('is one minified IIFE that exposes tessera.track and posts to /events, under 2 KB', async () => {
    const { TRACKER_JS } = await import('../../worker/tracker/script.gen.ts');
    expect(TRACKER_JS).toMatch(/^"use strict";\(\(\)=>\{.*\}\)\(\);$/s);
    expect(TRACKER_JS).toContain('window.tessera={track:');
    expect(TRACKER_JS).toContain('"/events"');
    expect(TRACKER_JS.length).toBeLessThan(2048);
  });
});

/**
 * A path on the site itself: a page's `path` in the bundle, and where a preview link lands.
 * Exactly one "/" at the start and none doubled anywhere: browsers read `//host/…` as another
 * site (a protocol-relative URL), so `//2130706433` in a redirect's `Location` or a nav link's
 * `href` would send the visitor to 127.0.0.1 — an open redirect.
 */
import * as z from './zod.ts';

export const SITE_PATH_PATTERN = /^\/(?:[A-Za-z0-9_-]+\/)*[A-Za-z0-9_-]*$/;

export const SitePath = z
  .string()
  .check(
    z.maxLength(512),
    z.regex(
      SITE_PATH_PATTERN,
      'a path such as "/" or "/collections/shoes": one "/" at the start, no "//", letters, digits, "_" and "-"',
    ),
  );

/** A page's path: a site path, or on origin pages a prefix (`/journal/*`: it and all below). */
export const PAGE_PATH_PATTERN = /^\/(?:[A-Za-z0-9_-]+\/)*(?:[A-Za-z0-9_-]*|\*)$/;

export const PagePath = z
  .string()
  .check(
    z.maxLength(512),
    z.regex(
      PAGE_PATH_PATTERN,
      'a path such as "/" or "/collections/shoes" (origin pages also "/journal/*"): one "/" at the start, no "//", letters, digits, "_" and "-"',
    ),
  );

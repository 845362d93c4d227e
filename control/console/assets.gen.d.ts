/**
 * The built console (control/console/assets.gen.js, written by cli/lib/console-build.ts and
 * git-ignored): the minified script and stylesheet, and the content hash in their URLs.
 */
export declare const CONSOLE_ASSETS: {
  hash: string;
  js: string;
  css: string;
};

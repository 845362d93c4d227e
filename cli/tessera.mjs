#!/usr/bin/env node
// The `tessera` command: runs the TypeScript CLI through tsx, so it shares shared/ with the worker.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

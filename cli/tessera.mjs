#!/usr/bin/env node
// The `tessera` command: runs the TypeScript CLI through tsx, so it shares shared/ with the worker.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');

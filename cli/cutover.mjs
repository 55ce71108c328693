#!/usr/bin/env node
// The `cutover` command. The CLI is TypeScript run in place: this shim loads a
// TypeScript loader, then the CLI's entry point.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

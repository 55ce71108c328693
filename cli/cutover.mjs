#!/usr/bin/env node
// The `cutover` command. The CLI is TypeScript run in place: this shim loads a
// TypeScript loader, then the CLI's entry point.
import { register } from 'tsx/esm/api';

// Cutover runs on Node 20 (its Lambdas on nodejs22.x): the AWS SDK's notice that its releases
// after January 2027 will need Node 22 is not for the CLI's users, as the local cloud's
// handlers do not print it either. An explicit setting is kept.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `cutover` command. It runs the CLI's prebuilt bundle (cli/bundle/build.mjs makes it at
// `npm ci`) when the bundle is current, and rebuilds it first when a source has changed since.
// It runs the TypeScript sources through a loader instead, slower to start, when:
//   - the command is `local start`: the local cloud loads its Lambda handlers from their sources;
//   - CUTOVER_CLI_FROM_SOURCE=1 is set (to compare, or to debug with the sources' stack traces);
//   - esbuild is not installed, or the bundle cannot be built or loaded (said on stderr).
import { freshEntry, isEsbuildMissing } from './bundle/manifest.mjs';

// Cutover runs on Node 20 (its Lambdas on nodejs22.x): the AWS SDK's notice that its releases
// after January 2027 will need Node 22 is not for the CLI's users, as the local cloud's
// handlers do not print it either. An explicit setting is kept.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = process.argv.slice(2);
const main = (await bundledMain(args)) ?? (await sourceMain());
process.exitCode = await main(args);

/** The bundle's `main`, or undefined when this run should (or must) use the sources. */
async function bundledMain(args) {
  const fromSource =
    process.env.CUTOVER_CLI_FROM_SOURCE === '1' || (args[0] === 'local' && args[1] === 'start');
  if (fromSource) return undefined;
  try {
    const entry = freshEntry() ?? (await import('./bundle/build.mjs').then((build) => build.buildBundle()));
    return (await import(entry)).main;
  } catch (error) {
    if (!isEsbuildMissing(error)) {
      process.stderr.write(
        `cutover: could not build or load the CLI bundle (${reasonOf(error)}); running from the sources\n`,
      );
    }
    return undefined;
  }
}

/** One line: esbuild's first error with where it is, or the error's first line. */
function reasonOf(error) {
  const first = error?.errors?.[0];
  if (first?.location) return `${first.location.file}:${first.location.line}: ${first.text}`;
  return String(first?.text ?? error?.message ?? error).split('\n')[0];
}

async function sourceMain() {
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('./main.ts')).main;
}

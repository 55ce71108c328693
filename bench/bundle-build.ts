// Builds every Lambda function the way `npm run package` does: the functions and the
// `custom.esbuild` settings are read from serverless.yml and handed to the esbuild API
// as serverless-esbuild hands them (its plugin-only options removed, `exclude` made
// external, `outputFileExtension` made `outExtension`, the `plugins` file loaded). One
// build per function, with a metafile, so each bundle's AWS SDK client packages can be listed,
// and the services it reaches by signed requests (shared/aws/signed-http.ts) instead.

import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { isMap, isScalar, parseDocument } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));

export interface Bundle {
  /** The function's name in serverless.yml. */
  name: string;
  /** The bundle file, for importing it. */
  file: string;
  bytes: number;
  gzipBytes: number;
  /** The `@aws-sdk/client-*` packages with code in the bundle. */
  clients: string[];
  /** The services the bundle reaches by signed requests, not an SDK client: `dynamodb`, `eventbridge`. */
  signed: string[];
  /** Bytes of the bundle per package (or per top-level folder of this repo), largest first. */
  packages: [string, number][];
}

export interface Packaging {
  functions: { name: string; entry: string }[];
  options: BuildOptions;
  /** What serverless.yml sets for every function (provider.environment), where it is a plain value. */
  environment: Record<string, string>;
}

/** Options of serverless-esbuild's own; esbuild does not take them. */
// prettier-ignore
const pluginOnly = [
  'concurrency', 'zipConcurrency', 'exclude', 'nativeZip', 'packager', 'packagePath', 'watch',
  'keepOutputDirectory', 'packagerOptions', 'installExtraArgs', 'outputFileExtension', 'outputBuildFolder',
  'outputWorkFolder', 'nodeExternals', 'skipBuild', 'skipRebuild', 'skipBuildExcludeFns',
  'stripEntryResolveExtensions', 'disposeContext', 'config',
];

/** The catalog the bundles are built with, as `npm run package` does without CUTOVER_CATALOG. */
export const BENCH_CATALOG = join(root, 'examples/catalog.yml');

export function readPackaging(catalog = BENCH_CATALOG): Packaging {
  // CloudFormation tags (!Ref, !Join) are left unresolved: only plain settings are read.
  const doc = parseDocument(readFileSync(join(root, 'serverless.yml'), 'utf8'), { logLevel: 'silent' });
  const settings = (doc.getIn(['custom', 'esbuild']) as { toJSON(): Record<string, unknown> }).toJSON();
  const runtime = String(doc.getIn(['provider', 'runtime']));
  const functions = (doc.get('functions') as { toJSON(): Record<string, { handler: string }> }).toJSON();
  // Plain values only: not CloudFormation references (!Ref) nor serverless variables (${…}).
  const environment: Record<string, string> = {};
  const variables = doc.getIn(['provider', 'environment'], true);
  for (const pair of isMap(variables) ? variables.items : []) {
    const value = pair.value;
    if (isScalar(pair.key) && isScalar(value) && value.tag === undefined && typeof value.value === 'string')
      if (!value.value.includes('${')) environment[String(pair.key.value)] = value.value;
  }

  const options: Record<string, unknown> = {
    // serverless-esbuild's defaults, then serverless.yml's settings over them.
    bundle: true,
    platform: 'node',
    target: runtime.replace(/^nodejs(\d+)\.x$/, 'node$1'),
    ...settings,
    external: [...asList(settings.external), ...asList(settings.exclude ?? ['aws-sdk'])],
  };
  const extension = settings.outputFileExtension;
  if (typeof extension === 'string' && extension !== '.js') options.outExtension = { '.js': extension };
  for (const key of pluginOnly) delete options[key];
  // A path to a module of plugins; serverless-esbuild calls it with the Serverless instance,
  // of which the plugins read only custom.catalog.
  if (typeof settings.plugins === 'string') {
    type Plugins = Plugin[] | ((serverless: { service: { custom: { catalog: string } } }) => Plugin[]);
    const plugins = createRequire(import.meta.url)(join(root, settings.plugins)) as Plugins;
    options.plugins = typeof plugins === 'function' ? plugins({ service: { custom: { catalog } } }) : plugins;
  }

  return {
    functions: Object.entries(functions).map(([name, fn]) => ({
      name,
      entry: `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`,
    })),
    options,
    environment,
  };
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Bundles every function into `outdir` (functions/<name>.mjs, as in the package). */
export async function buildBundles(outdir: string, packaging = readPackaging()): Promise<Bundle[]> {
  const bundles: Bundle[] = [];
  for (const fn of packaging.functions) {
    const result = await build({
      ...packaging.options,
      absWorkingDir: root,
      entryPoints: [fn.entry],
      outdir: join(outdir, 'functions'),
      metafile: true,
      logLevel: 'error',
    });
    const [path, output] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint)!;
    const file = resolve(root, path);
    bundles.push({
      name: fn.name,
      file,
      bytes: statSync(file).size,
      gzipBytes: gzipSync(readFileSync(file), { level: 9 }).length,
      clients: clientsIn(output),
      signed: signedServicesIn(readFileSync(file, 'utf8')),
      packages: packagesIn(output),
    });
  }
  return bundles;
}

/**
 * The AWS SDK client packages whose code is in the output. The metafile's `inputs`
 * list every module the import graph reaches, even those tree-shaking then drops, so
 * this reads the output's inputs and keeps those that contribute bytes.
 */
export function clientsIn(output: Metafile['outputs'][string]): string[] {
  const clients = new Set<string>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const client = /node_modules\/@aws-sdk\/(client-[^/]+)\//.exec(input)?.[1];
    if (client !== undefined && bytesInOutput > 0) clients.add(client);
  }
  return [...clients].sort();
}

/**
 * The services a bundle reaches by signed requests: the signing names of the service
 * descriptors left in its code (json-requests.ts's constants, s3-requests.ts's), which
 * tree-shaking drops where no adapter uses them. Named as the SDK's client packages are
 * (`sfn`, `eventbridge`), so that a service reads the same whichever way it is reached.
 */
export function signedServicesIn(code: string): string[] {
  const sdkName: Record<string, string> = {
    states: 'sfn',
    events: 'eventbridge',
    monitoring: 'cloudwatch',
    elasticloadbalancing: 'elastic-load-balancing-v2',
  };
  const services = new Set<string>();
  for (const [, name] of code.matchAll(/signingName:\s*"([a-z0-9-]+)",\s*endpointPrefix:/g)) {
    services.add(sdkName[name!] ?? name!);
  }
  return [...services].sort();
}

export function packagesIn(output: Metafile['outputs'][string]): [string, number][] {
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? `${input.split('/')[0]}/`;
    bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
  }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

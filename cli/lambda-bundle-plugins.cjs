// The esbuild plugins the Lambda bundles are built with (serverless.yml, custom.esbuild.plugins;
// bench/bundle-build.ts builds them the same way).
//
// embeddedCatalog: a Lambda reads its catalog at cold start (shared/runtime/catalog.ts). The
// bundle holds the catalog it is packaged with as JSON, in place of shared/runtime/catalog-data.ts,
// which reads and validates YAML: the YAML is read and validated here, at packaging, with the code
// the CLI uses, and the bundle holds the result (defaults filled in). So no function carries a YAML
// parser or the catalog's schema, nor spends its cold start checking data that cannot change.
//
// sdkVersionOnly: each AWS SDK client imports its whole package.json for one field, its version
// (in the User-Agent header): 2 kB of every client in every bundle. The bundle gets the version.
//
// builtinsByRequire: Node's built-in modules are loaded with require() (the bundle's banner makes
// one), as CommonJS dependencies already load them. Imported as ES modules, Node builds each one's
// ES view by reading every export at import; node:fs's lazy `ReadStream` getter then loads all of
// its streams. The modules are the same objects either way.
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const tsx = require('tsx/cjs/api');

const READER_DIR = join(__dirname, '..', 'shared', 'runtime');

/**
 * The catalog, checked as the CLI checks it, and for what only the local cloud can do (a webhook
 * over http to localhost): an invalid catalog fails the build.
 */
function catalogData(file) {
  const { readCatalog } = tsx.require('../shared/runtime/catalog-data.ts', __filename);
  const { awsWebhookProblems } = tsx.require('../shared/domain/webhook.ts', __filename);
  const { CatalogInvalid } = tsx.require('../shared/domain/errors.ts', __filename);
  const catalog = readCatalog(file);
  const problems = awsWebhookProblems(catalog.services);
  if (problems.length > 0) throw new CatalogInvalid(problems);
  return catalog;
}

/** @param {string} file the catalog file, absolute or relative to the working directory (as packaging reads it) */
function embeddedCatalog(file) {
  const path = resolve(file);
  return {
    name: 'cutover-embedded-catalog',
    setup(build) {
      build.onResolve({ filter: /^\.\/catalog-data\.js$/ }, (args) =>
        args.resolveDir === READER_DIR ? { path, namespace: 'cutover-catalog' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'cutover-catalog' }, () => {
        let data;
        try {
          data = catalogData(path);
        } catch (error) {
          return { errors: [{ text: `cannot package ${file}: ${error.message}` }] };
        }
        const json = JSON.stringify(JSON.stringify(data));
        return {
          contents: `// The catalog, as packaged.\nconst data = JSON.parse(${json});\nexport const readCatalog = () => data;\n`,
          loader: 'js',
          watchFiles: [path],
        };
      });
    },
  };
}

const SDK_PACKAGE_JSON = /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/;

function sdkVersionOnly() {
  return {
    name: 'cutover-sdk-version-only',
    setup(build) {
      build.onLoad({ filter: SDK_PACKAGE_JSON }, (args) => {
        const { version } = JSON.parse(readFileSync(args.path, 'utf8'));
        return { contents: JSON.stringify({ version }), loader: 'json' };
      });
    },
  };
}

function builtinsByRequire() {
  return {
    name: 'cutover-builtins-by-require',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) =>
        args.namespace === 'cutover-builtin'
          ? { path: args.path, external: true }
          : { path: args.path, namespace: 'cutover-builtin' },
      );
      build.onLoad({ filter: /.*/, namespace: 'cutover-builtin' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

/** serverless-esbuild calls this with the Serverless instance: the catalog is custom.catalog. */
module.exports = (serverless) => [
  embeddedCatalog(serverless.service.custom.catalog),
  sdkVersionOnly(),
  builtinsByRequire(),
];

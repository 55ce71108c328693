// The esbuild plugins the Lambda bundles are built with (serverless.yml, custom.esbuild.plugins;
// bench/bundle-build.ts builds them the same way).
//
// embeddedCatalog: a Lambda reads its catalog at cold start (shared/runtime/catalog.ts). The
// bundle holds the catalog it is packaged with as JSON, in place of shared/runtime/catalog-data.ts,
// which reads YAML: the YAML is read here, at packaging, with the code the CLI reads it with, so
// no function carries a YAML parser. The function still validates the data at load.
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const tsx = require('tsx/cjs/api');

const READER_DIR = join(__dirname, '..', 'shared', 'runtime');

/** The catalog's data, checked as the CLI checks it: an invalid catalog fails the build. */
function catalogData(file) {
  const { parseCatalogYaml } = tsx.require('../shared/domain/catalog-yaml.ts', __filename);
  const { validateCatalog } = tsx.require('../shared/domain/catalog.ts', __filename);
  const data = parseCatalogYaml(readFileSync(file, 'utf8'));
  validateCatalog(data);
  return data;
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
          contents: `// The catalog, as packaged.\nconst data = JSON.parse(${json});\nexport const readCatalogData = () => data;\n`,
          loader: 'js',
          watchFiles: [path],
        };
      });
    },
  };
}

/** serverless-esbuild calls this with the Serverless instance: the catalog is custom.catalog. */
module.exports = (serverless) => [embeddedCatalog(serverless.service.custom.catalog)];

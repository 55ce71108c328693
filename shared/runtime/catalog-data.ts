// The catalog file, read and validated. Here, the YAML file itself (the local cloud, tests). In
// the packaged Lambdas this module is replaced by the catalog they were packaged with, as JSON,
// validated then by this same code (cli/lambda-bundle-plugins.cjs): they carry no YAML parser,
// and no catalog schema to build and run at every cold start for data that cannot change.

import { readFileSync } from 'node:fs';
import { validateCatalog, type Catalog } from '../domain/catalog.js';
import { parseCatalogYaml } from '../domain/catalog-yaml.js';

export function readCatalog(path: string): Catalog {
  return validateCatalog(parseCatalogYaml(readFileSync(path, 'utf8')));
}

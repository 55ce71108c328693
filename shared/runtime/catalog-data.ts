// The catalog file's data, not yet validated. Here, the YAML file itself (the local cloud,
// tests). In the packaged Lambdas this module is replaced by the catalog they were packaged
// with, as JSON (cli/lambda-bundle-plugins.cjs): they carry no YAML parser.

import { readFileSync } from 'node:fs';
import { parseCatalogYaml } from '../domain/catalog-yaml.js';

export function readCatalogData(path: string): unknown {
  return parseCatalogYaml(readFileSync(path, 'utf8'));
}

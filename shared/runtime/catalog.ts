// The catalog a function works with. On AWS it is the catalog the function was packaged with,
// validated at packaging and held by its bundle as JSON (catalog-data.ts); locally it is the
// file given to `cutover local start`, read and validated when the function is built.

import { isAbsolute, join } from 'node:path';
import type { Catalog } from '../domain/catalog.js';
import { readCatalog } from './catalog-data.js';
import { CatalogInvalid } from '../domain/errors.js';
import { optionalEnv, type Environment } from './env.js';

/** CUTOVER_CATALOG, under the function's root (LAMBDA_TASK_ROOT on Lambda) unless absolute. */
export function catalogFilePath(env: Environment): string {
  const path = optionalEnv('CUTOVER_CATALOG', 'catalog.yml', env);
  const root = env.LAMBDA_TASK_ROOT ?? process.cwd();
  return isAbsolute(path) ? path : join(root, path);
}

export function loadCatalog(path: string): Catalog {
  try {
    return readCatalog(path);
  } catch (error) {
    if (error instanceof CatalogInvalid)
      throw new CatalogInvalid(error.problems, { source: path, cause: error });
    throw error;
  }
}

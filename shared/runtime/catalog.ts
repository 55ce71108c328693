// The catalog a process works with. On AWS it is the catalog the function was packaged
// with, which its bundle holds as JSON (catalog-data.ts); locally it is the file given to
// `cutover local start`. Either way it is read and validated once per process.

import { isAbsolute, join } from 'node:path';
import { validateCatalog, type Catalog } from '../domain/catalog.js';
import { readCatalogData } from './catalog-data.js';
import { CatalogInvalid } from '../domain/errors.js';
import { optionalEnv } from './env.js';

let cached: { path: string; catalog: Catalog } | undefined;

export function catalogFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const path = optionalEnv('CUTOVER_CATALOG', 'catalog.yml', env);
  const root = env.LAMBDA_TASK_ROOT ?? process.cwd();
  return isAbsolute(path) ? path : join(root, path);
}

export function loadCatalog(path: string = catalogFilePath()): Catalog {
  if (cached?.path === path) return cached.catalog;
  try {
    const catalog = validateCatalog(readCatalogData(path));
    cached = { path, catalog };
    return catalog;
  } catch (error) {
    if (error instanceof CatalogInvalid)
      throw new CatalogInvalid(error.problems, { source: path, cause: error });
    throw error;
  }
}

// Reads the catalog file named on the command line (or by CUTOVER_CATALOG).

import { readFileSync } from 'node:fs';
import type { Catalog } from '../shared/domain/catalog.js';
import { parseCatalog } from '../shared/domain/catalog-yaml.js';
import { CatalogInvalid } from '../shared/domain/errors.js';
import { InputFileInvalid } from './errors.js';

export const DEFAULT_CATALOG = 'catalog.yml';

/** The catalog `local start` runs when given none, and `preflight` reads locally when there is no catalog.yml. */
export const DEMO_CATALOG = new URL('../local/demo-catalog.yml', import.meta.url).pathname;

export function catalogPath(option: string | undefined): string {
  return option ?? (process.env.CUTOVER_CATALOG || DEFAULT_CATALOG);
}

export function loadCatalogFile(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InputFileInvalid(
      `cannot read the catalog ${path}: ${reason}. Pass --catalog FILE or set CUTOVER_CATALOG.`,
      { cause: error },
    );
  }
  try {
    return parseCatalog(text);
  } catch (error) {
    if (error instanceof CatalogInvalid) throw new CatalogInvalid(error.problems, { source: path });
    throw error;
  }
}

// The problems a catalog is refused with, for the tests that write bad catalogs; a catalog that
// is accepted fails the test.

import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { CatalogInvalid, type Problem } from '../../shared/domain/errors.js';

export function catalogProblems(text: string): Problem[] {
  try {
    parseCatalog(text);
  } catch (error) {
    if (error instanceof CatalogInvalid) return [...error.problems];
    throw error;
  }
  throw new Error('expected the catalog to be refused');
}

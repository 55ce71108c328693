// Reading catalog.yml: the YAML, with each syntax problem at its line and column, then the
// schema and the rules (catalog.ts). The CLI, the local cloud and packaging read the file
// here; the packaged Lambdas carry the catalog as JSON instead, made from this at packaging
// (cli/lambda-bundle-plugins.cjs), and no YAML parser.

import { parseDocument } from 'yaml';
import { validateCatalog, type Catalog } from './catalog.js';
import { CatalogInvalid } from './errors.js';

/** Parses and validates catalog text. Throws CatalogInvalid listing every problem found. */
export function parseCatalog(text: string): Catalog {
  return validateCatalog(parseCatalogYaml(text));
}

/** The catalog's data, not yet validated. Throws CatalogInvalid for YAML that is not a mapping. */
export function parseCatalogYaml(text: string): Record<string, unknown> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new CatalogInvalid(
      doc.errors.map((e) => ({ path: yamlPosition(e.linePos?.[0]), message: yamlMessage(e.message) })),
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CatalogInvalid([
      { path: '', message: 'the catalog must be a YAML mapping with `version: 1` and `services:`' },
    ]);
  }
  return value as Record<string, unknown>;
}

function yamlMessage(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}

function yamlPosition(pos: { line: number; col: number } | undefined): string {
  return pos ? `line ${pos.line}, column ${pos.col}` : '';
}

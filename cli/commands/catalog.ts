// `cutover catalog check [FILE]`: validates a catalog, listing every problem with its path.

import { parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { catalogPath, loadCatalogFile } from '../catalog-file.js';
import { printJson } from '../output.js';
import { catalogResources } from '../../shared/domain/catalog-resources.js';

const help = `Usage: cutover catalog check [FILE] [--json]

Validate a catalog file and list every problem, each with its path. Exits 0 when
the catalog is valid, 2 when it is not. With --json, also prints the AWS resources
the catalog names (what the packaged Lambda roles are limited to).

Arguments:
  FILE      the catalog (default: $CUTOVER_CATALOG, else ./catalog.yml)

Examples:
  cutover catalog check examples/catalog.yml
  cutover catalog check catalog.yml --json`;

export const catalogCommand: Command = {
  name: 'catalog',
  help,
  run(args, output) {
    const { values, positionals } = parseCommandLine(args, { json: { type: 'boolean' } });
    const [action, file, ...extra] = positionals;
    if (action !== 'check' || extra.length > 0)
      throw new UsageError('the catalog command is: catalog check [FILE]', help);
    const path = catalogPath(file);
    const catalog = loadCatalogFile(path);
    const services = Object.keys(catalog.services);
    if (values.json)
      printJson(output, { ok: true, file: path, services, resources: catalogResources(catalog) });
    else output.out(`${path} is valid: ${services.length} service(s): ${services.join(', ')}`);
    return Promise.resolve(0);
  },
};

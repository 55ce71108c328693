// Catalogs made of some of the scenario catalog's services (test/fixtures/local/scenarios.yml),
// written to a file as `cutover local start --catalog` and the handlers read them: for tests
// that start a data folder with one catalog and again with another.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { SCENARIOS } from '../../harness/local-cloud.js';

/** Writes `<dir>/<name>.yml` with the scenario catalog's `services`, in that order; returns its path. */
export function scenarioSubset(dir: string, name: string, services: readonly string[]): string {
  const all = parse(readFileSync(SCENARIOS, 'utf8')) as {
    version: number;
    services: Record<string, unknown>;
  };
  const chosen = Object.fromEntries(
    services.map((service) => {
      const entry = all.services[service];
      if (entry === undefined) throw new Error(`no service ${service} in ${SCENARIOS}`);
      return [service, entry];
    }),
  );
  const path = join(dir, `${name}.yml`);
  writeFileSync(path, stringify({ version: all.version, services: chosen }));
  return path;
}

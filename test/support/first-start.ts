// Starts the local cloud on a data folder and stops it, in a process of its own: for a test
// that starts again on the same folder with another catalog in its own process (handlers read
// the catalog once per process, when first loaded). Prints the log to stdout.
//
//   node --import tsx test/support/first-start.ts <catalog.yml> <data folder>

import { readFileSync } from 'node:fs';
import { LocalCloud } from '../../local/cloud.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';

const [catalogPath, dataDir] = process.argv.slice(2);
if (catalogPath === undefined || dataDir === undefined) {
  console.error('usage: first-start.ts <catalog.yml> <data folder>');
  process.exit(2);
}
const cloud = await LocalCloud.start({
  catalog: parseCatalog(readFileSync(catalogPath, 'utf8')),
  catalogPath,
  dataDir,
  speed: 300,
  port: 0,
  apiPort: 0,
  tickMs: 25,
  desiredCount: 2,
  log: (line) => console.log(line),
});
await cloud.stop();
// The folder is saved and closed: whatever else the process still holds must not keep it alive.
process.exit(0);

// `cutover releases <service>`: the service's releases from its ledger, newest first
// (GET /services/{name}/releases); with --export FILE, the chain as stored and its newest
// anchors as one document for `cutover verify --offline` (GET /services/{name}/ledger).

import { writeFileSync } from 'node:fs';
import { onePositional, parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { BadInput, UsageError } from '../errors.js';
import { printJson, type Output } from '../output.js';
import { jsonText, printable } from '../printable.js';
import {
  clientFrom,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  reportingApiFailures,
  segment,
  type ApiClient,
} from '../api-client.js';
import { chainStatus, releasesTable } from './releases-table.js';
import type { ReleaseView } from '../../shared/api/releases-view.js';
import type { VerifyResult } from '../../shared/domain/ledger.js';
import { ledgerExport } from '../../shared/domain/ledger-export.js';

const help = `Usage: cutover releases <service> [options]

List the releases of <service>, newest first, from its append-only ledger: how each
ended, the tag its image was pushed or deployed with (- for none), its digest, what
started it and who, when, and why it was rolled back. Under the table, the state of
the ledger's chain (as cutover verify <service> checks it): its records, hashes and
signatures valid, and the head the chain reaches; or, when it is broken, the first
broken record, and no table (nothing is read from a broken ledger).

Exit codes: 0 listed, 1 the ledger is broken, 2 bad usage or unknown service.

Options:
  --export FILE       instead, write the ledger of <service> to FILE (- for standard output)
                      as one JSON document: its records exactly as stored, every stored
                      version of its newest anchor, and the ARNs of the keys that signed them.
                      Check it anywhere with cutover verify --offline FILE --public-key KEY
                      (docs/ledger.md, "Export")

${CONNECTION_HELP}

Examples:
  cutover releases web
  cutover releases web --json
  cutover releases web --export web-ledger.json`;

export const releasesCommand: Command = {
  name: 'releases',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseCommandLine(args, {
      ...CONNECTION_OPTIONS,
      export: { type: 'string' },
    });
    const name = onePositional(positionals, 'releases', 'service name', help);
    if (values.export === '')
      throw new UsageError('--export needs a file name, or - for standard output', help);
    if (values.export !== undefined) return exportLedger(clientFrom(values), name, values.export, output);
    const client = clientFrom(values);
    const path = `/services/${segment(name)}`;
    // The chain first: the releases of a ledger that does not verify are not read (409).
    const { service, ...ledger } = await client.get<{ service: string } & VerifyResult>(`${path}/verify`);
    const answer = ledger.ok
      ? await client.get<{ service: string; releases: ReleaseView[] }>(`${path}/releases`)
      : { service, releases: null };
    if (output.json) printJson(output, { ...answer, ledger });
    else {
      const table = answer.releases === null ? [] : releasesTable(answer.releases);
      if (answer.releases?.length === 0) output.out(`${service} has no releases yet.`);
      else if (table.length > 0) [...table, ''].forEach((line) => output.out(line));
      chainStatus(service, ledger).forEach((line) => output.out(line));
    }
    return ledger.ok ? 0 : 1;
  }),
};

interface StoredLedger {
  service: string;
  records: unknown[];
  anchors: unknown[];
}

async function exportLedger(
  client: ApiClient,
  service: string,
  file: string,
  output: Output,
): Promise<number> {
  const stored = await client.get<StoredLedger>(`/services/${segment(service)}/ledger`);
  const exported = ledgerExport(stored, new Date());
  // jsonText writes DEL, C1 and bidi controls as \uXXXX: the same JSON values, safe on a terminal.
  const text = jsonText(exported, 2);
  if (file === '-') {
    output.out(text);
    return 0;
  }
  try {
    writeFileSync(file, `${text}\n`);
  } catch (error) {
    throw new BadInput(`cannot write the export to ${file}: ${(error as Error).message}`);
  }
  const summary = {
    file,
    service: exported.service,
    records: exported.records.length,
    anchors: exported.anchors.length,
    keyIds: exported.keyIds,
  };
  if (output.json) printJson(output, summary);
  else
    output.out(
      printable(
        `Wrote the ledger of ${exported.service} to ${file}: ${summary.records} records, ` +
          `${summary.anchors} anchor version(s), signed by ${summary.keyIds.join(', ') || 'no key'}`,
      ),
    );
  return 0;
}

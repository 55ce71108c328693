// `cutover verify <service>`: checks the service's ledger hash chain end to end, against
// the anchor kept with the service (GET /services/{name}/verify).

import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { printJson } from '../output.js';
import { printable } from '../printable.js';
import {
  clientFrom,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  reportingApiFailures,
  segment,
} from '../api-client.js';
import type { VerifyResult } from '../../shared/domain/ledger.js';

const help = `Usage: cutover verify <service> [options]

Verify the ledger of <service>: every record's hash, the chain of hashes from the first
record to the last, and the last against the anchor kept with the service. Any edit, gap,
reordering or foreign record breaks it.

${CONNECTION_HELP}

Exit codes: 0 the chain verifies, 1 it is broken (the first broken record is printed),
2 bad usage or unknown service.

Examples:
  cutover verify web
  cutover verify web --json`;

type Verification = { service: string } & VerifyResult;

export const verifyCommand: Command = {
  name: 'verify',
  summary: "verify a service's ledger hash chain",
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: CONNECTION_OPTIONS,
    });
    if (positionals.length !== 1) throw new UsageError('verify takes exactly one service name', help);
    const result = await clientFrom(values).get<Verification>(`/services/${segment(positionals[0]!)}/verify`);
    if (output.json) printJson(output, result);
    else if (result.ok) {
      const head =
        result.head === null ? '' : `, head seq ${result.head.seq} ${result.head.hash.slice(0, 12)}`;
      output.out(printable(`✓ the ledger of ${result.service} verifies: ${result.count} records${head}`));
    } else {
      output.out(
        printable(
          `✗ the ledger of ${result.service} is broken at seq ${result.seq ?? '?'}, ${result.problem}: ${result.message}`,
        ),
      );
    }
    return result.ok ? 0 : 1;
  }),
};

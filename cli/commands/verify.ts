// `cutover verify <service>`: checks the service's ledger hash chain end to end, against
// the anchor kept with the service (GET /services/{name}/verify). `cutover verify --offline
// FILE --public-key KEY` checks an export instead, with no network (cli/ledger-offline.ts).

import { onePositional, parseCommandLine } from '../args.js';
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
import { verifyOffline } from '../ledger-offline.js';

const help = `Usage: cutover verify <service> [options]
       cutover verify --offline FILE --public-key KEY [--public-key KEY...] [--json]

Verify the ledger of <service>: every record's hash, the chain of hashes from the first
record to the last, and the last against the anchor kept with the service. Any edit, gap,
reordering or foreign record breaks it.

With --offline, verify an export (cutover releases <service> --export FILE) on this
machine alone, with no API, AWS or network access: every record's schema, hash, link and
signature by one of the given public keys, then the anchors in the export: each must be a
record of the service signed by one of the keys, and the chain must reach it with the same
hash. Records after the newest anchor are accepted.

Offline options:
  --offline FILE      the export to check (- reads standard input)
  --public-key KEY    a PEM file with the ledger key's public key (cutover ledger-key);
                      give it again for each key the ledger was signed with before a rotation

${CONNECTION_HELP}

Exit codes: 0 the chain verifies, 1 it is broken (the first broken record is printed),
2 bad usage, unknown service, or an export or key file that cannot be read.

Examples:
  cutover verify web
  cutover verify web --json
  cutover verify --offline web-ledger.json --public-key ledger-key.pem`;

type Verification = { service: string } & VerifyResult;

export const verifyCommand: Command = {
  name: 'verify',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseCommandLine(args, {
      ...CONNECTION_OPTIONS,
      offline: { type: 'string' },
      'public-key': { type: 'string', multiple: true },
    });
    const keys = values['public-key'] ?? [];
    if (values.offline !== undefined) {
      if (positionals.length > 0)
        throw new UsageError('verify --offline takes no service name: the export names its service', help);
      if (keys.length === 0)
        throw new UsageError('verify --offline needs --public-key KEY, the PEM of the ledger key', help);
      if (values.endpoint !== undefined || values.token !== undefined || values.data !== undefined)
        throw new UsageError('verify --offline calls no API: leave out --endpoint, --token and --data', help);
      return verifyOffline(values.offline, keys, output);
    }
    if (keys.length > 0) throw new UsageError('--public-key goes with --offline FILE', help);
    const service = onePositional(positionals, 'verify', 'service name', help);
    const result = await clientFrom(values).get<Verification>(`/services/${segment(service)}/verify`);
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

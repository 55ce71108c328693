// `cutover releases <service>`: the service's releases from its ledger, newest first
// (GET /services/{name}/releases).

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
import { shortDigest } from './status.js';
import type { releasesView } from '../../shared/api/views.js';

const help = `Usage: cutover releases <service> [options]

List the releases of <service>, newest first, from its append-only ledger: how each
ended, its image digest, what started it and who, when, and why it was rolled back.

${CONNECTION_HELP}

Examples:
  cutover releases web
  cutover releases web --json`;

type Release = ReturnType<typeof releasesView>[number];

export const releasesCommand: Command = {
  name: 'releases',
  summary: "list a service's releases from its ledger",
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: CONNECTION_OPTIONS,
    });
    if (positionals.length !== 1) throw new UsageError('releases takes exactly one service name', help);
    const answer = await clientFrom(values).get<{ service: string; releases: Release[] }>(
      `/services/${segment(positionals[0]!)}/releases`,
    );
    if (output.json) printJson(output, answer);
    else if (answer.releases.length === 0) output.out(`${answer.service} has no releases yet.`);
    else releasesTable(answer.releases).forEach((line) => output.out(line));
    return 0;
  }),
};

/**
 * One row per release under a header, columns padded to their widest cell. Each cell is
 * printable: a control character from the ledger is shown escaped, and counted as shown.
 */
export function releasesTable(releases: readonly Release[]): string[] {
  const cells = (r: Release) => [
    String(r.release),
    r.outcome,
    r.image === null ? '-' : shortDigest(r.image.split('@')[1] ?? r.image),
    r.trigger ?? '-',
    r.actor ?? '-',
    r.startedAt.replace(/\.\d+Z$/, 'Z'),
    r.reason?.message ?? '',
  ];
  const rows = releases.map((r) => cells(r).map(printable));
  const table = [['RELEASE', 'OUTCOME', 'IMAGE', 'TRIGGER', 'ACTOR', 'STARTED', 'REASON'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

// What `cutover releases <service>` prints: the releases as a table, every column as wide as
// its widest cell (release 10 and up, long tags), then the state of the ledger's chain.

import { printable } from '../printable.js';
import { shortDigest } from '../../shared/domain/image-words.js';
import type { ReleaseView } from '../../shared/api/releases-view.js';
import type { VerifyResult } from '../../shared/domain/ledger.js';

type Release = Omit<ReleaseView, 'records'>;

const HEADER = ['RELEASE', 'OUTCOME', 'TAG', 'IMAGE', 'TRIGGER', 'ACTOR', 'STARTED', 'REASON'];

/**
 * One row per release under a header, columns padded to their widest cell. Each cell is
 * printable: a control character from the ledger is shown escaped, and counted as shown.
 */
export function releasesTable(releases: readonly Release[]): string[] {
  const cells = (r: Release) => [
    String(r.release),
    r.outcome,
    r.tag ?? '-',
    r.image === null ? '-' : shortDigest(r.image.split('@')[1] ?? r.image),
    r.trigger ?? '-',
    r.actor ?? '-',
    r.startedAt.replace(/\.\d+Z$/, 'Z'),
    r.reason?.message ?? '',
  ];
  const table = [HEADER, ...releases.map((r) => cells(r).map(printable))];
  const widths = HEADER.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** One line on the chain, from `GET /services/{name}/verify`; a broken one says what to run next. */
export function chainStatus(service: string, result: VerifyResult): string[] {
  if (!result.ok)
    return [
      printable(`ledger: BROKEN at ${result.message}`),
      `  nothing is read from a broken ledger: run cutover verify ${service}, and see docs/ledger.md on tampering`,
    ];
  if (result.head === null) return ['ledger: no records yet'];
  return [
    `ledger: ${result.count} records, hashes and signatures valid, the chain reaches its anchors (head: record ${result.head.seq})`,
  ];
}

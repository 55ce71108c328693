// `cutover releases <service>`: it had no tag column and said nothing of the chain, and its
// columns were to line up whatever the width. The table and the chain line are compared whole,
// first from views (14 releases, a long tag), then from a local cloud, before and after a
// record is forged onto the chain.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../cli/api-client.js';
import { chainStatus, releasesTable } from '../../cli/commands/releases-table.js';
import type { ReleaseView } from '../../shared/api/releases-view.js';
import { startCliCloud, type CliCloud } from '../support/cli.js';
import { forgeRecord } from '../../harness/local-cloud.js';

const digest = (n: number) => `sha256:${String(n).padStart(2, '0').repeat(32)}`;

function release(n: number): Omit<ReleaseView, 'records'> {
  const rolledBack = n % 5 === 0;
  return {
    release: n,
    deploymentId: `web-${n}`,
    image: `000000000000.dkr.ecr.us-east-1.amazonaws.com/web:${n === 13 ? 'release-2026-12-06-build-4711' : `v${n}`}@${digest(n)}`,
    tag: n === 13 ? 'release-2026-12-06-build-4711' : n === 2 ? null : `v${n}`,
    strategy: 'canary',
    trigger: n === 14 ? 'rollback' : 'push',
    actor: n === 14 ? 'operator:ana' : 'ecr-push',
    startedAt: `2026-12-0${1 + (n % 5)}T10:${String(n).padStart(2, '0')}:00.123Z`,
    outcome: n === 14 ? 'running' : rolledBack ? 'rolled-back' : 'promoted',
    reason: rolledBack ? { kind: 'alarm', message: 'alarm web-5xx-rate went to ALARM' } : null,
  };
}

describe('releasesTable and chainStatus', () => {
  it('lines up 14 releases (numbers of two digits, a long tag, no tag) under their header', () => {
    const releases = Array.from({ length: 14 }, (_, i) => release(14 - i));
    expect(releasesTable(releases).join('\n')).toBe(
      `RELEASE  OUTCOME      TAG                            IMAGE                TRIGGER   ACTOR         STARTED               REASON
14       running      v14                            sha256:141414141414  rollback  operator:ana  2026-12-05T10:14:00Z
13       promoted     release-2026-12-06-build-4711  sha256:131313131313  push      ecr-push      2026-12-04T10:13:00Z
12       promoted     v12                            sha256:121212121212  push      ecr-push      2026-12-03T10:12:00Z
11       promoted     v11                            sha256:111111111111  push      ecr-push      2026-12-02T10:11:00Z
10       rolled-back  v10                            sha256:101010101010  push      ecr-push      2026-12-01T10:10:00Z  alarm web-5xx-rate went to ALARM
9        promoted     v9                             sha256:090909090909  push      ecr-push      2026-12-05T10:09:00Z
8        promoted     v8                             sha256:080808080808  push      ecr-push      2026-12-04T10:08:00Z
7        promoted     v7                             sha256:070707070707  push      ecr-push      2026-12-03T10:07:00Z
6        promoted     v6                             sha256:060606060606  push      ecr-push      2026-12-02T10:06:00Z
5        rolled-back  v5                             sha256:050505050505  push      ecr-push      2026-12-01T10:05:00Z  alarm web-5xx-rate went to ALARM
4        promoted     v4                             sha256:040404040404  push      ecr-push      2026-12-05T10:04:00Z
3        promoted     v3                             sha256:030303030303  push      ecr-push      2026-12-04T10:03:00Z
2        promoted     -                              sha256:020202020202  push      ecr-push      2026-12-03T10:02:00Z
1        promoted     v1                             sha256:010101010101  push      ecr-push      2026-12-02T10:01:00Z`,
    );
  });

  it('says the chain is valid, empty, or broken at its first bad record', () => {
    expect(chainStatus('web', { ok: true, count: 41, head: { seq: 41, hash: 'a'.repeat(64) } })).toEqual([
      'ledger: 41 records, hashes and signatures valid, the chain reaches its anchors (head: record 41)',
    ]);
    expect(chainStatus('web', { ok: true, count: 0, head: null })).toEqual(['ledger: no records yet']);
    expect(
      chainStatus('web', {
        ok: false,
        index: 6,
        seq: 7,
        problem: 'hash-mismatch',
        message:
          'record 7 (seq 7): hash does not match its contents; the record was edited or its hash forged',
      }),
    ).toEqual([
      'ledger: BROKEN at record 7 (seq 7): hash does not match its contents; the record was edited or its hash forged',
      '  nothing is read from a broken ledger: run cutover verify web, and see docs/ledger.md on tampering',
    ]);
  });
});

describe('cutover releases on a local cloud', () => {
  let cloud: CliCloud;
  beforeAll(async () => {
    cloud = await startCliCloud();
  }, 120_000);
  afterAll(() => cloud?.stop(), 30_000);

  it('shows the tag each image was deployed with, then the chain; exit 1 and no table once it is broken', async () => {
    const untagged = cloud.pushed('allatonce', 'build-1');
    const tagged = cloud.pushed('allatonce', 'build-2').replace('@', ':v2@');
    for (const image of [untagged, tagged]) {
      const id = await cloud.deploy('allatonce', image);
      await cloud.untilExecutionEnded(id);
    }
    type Listed = { release: number; startedAt: string; tag: string | null; image: string };
    const listed = JSON.parse((await cloud.cutover(['releases', 'allatonce', '--json'])).stdout) as {
      releases: Listed[];
      ledger: { ok: boolean; count: number; head: { seq: number } };
    };
    // Release 1 is the one the local cloud seeds at its first start, with no tag.
    expect(listed.releases.map((r) => r.tag)).toEqual(['v2', null, null]);
    const [second, first, seeded] = listed.releases as [Listed, Listed, Listed];
    const at = (r: Listed) => r.startedAt.replace(/\.\d+Z$/, 'Z');
    const short = (image: string) => image.split('@')[1]!.slice(0, 19);
    const actor = operatorActor().padEnd('cutover local start'.length);
    const run = await cloud.cutover(['releases', 'allatonce']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        `RELEASE  OUTCOME   TAG  IMAGE                TRIGGER  ${'ACTOR'.padEnd(actor.length)}  STARTED               REASON`,
        `3        promoted  v2   ${short(tagged)}  api      ${actor}  ${at(second)}`,
        `2        promoted  -    ${short(untagged)}  api      ${actor}  ${at(first)}`,
        `1        promoted  -    ${short(seeded.image)}  console  cutover local start  ${at(seeded)}`,
        '',
        `ledger: ${listed.ledger.count} records, hashes and signatures valid, the chain reaches its anchors (head: record ${listed.ledger.head.seq})`,
      ].join('\n'),
    );

    // Forge a record onto the chain: the right place, a wrong hash.
    const forged = await forgeRecord(cloud.handle, 'allatonce');
    const broken = await cloud.cutover(['releases', 'allatonce']);
    expect(broken).toEqual({
      code: 1,
      stdout: [
        `ledger: BROKEN at record ${forged.seq} (seq ${forged.seq}): hash does not match its contents; the record was edited or its hash forged`,
        '  nothing is read from a broken ledger: run cutover verify allatonce, and see docs/ledger.md on tampering',
      ].join('\n'),
      stderr: '',
    });
  }, 120_000);
});

// What the ledger says is shown, never obeyed. An attacker with write access to the tables and
// the use of the ledger key (a compromised ledger writer: without the key, `releases` refuses the
// forged records outright, test/reliability/forgery.test.ts) writes a release whose actor and
// reason carry terminal escape sequences: colours, erase-line, a carriage return, a line break
// and a forged `RELEASE 99 promoted` line, a C1 CSI, a right-to-left override. `cutover releases`
// and `cutover status` print every one of them escaped, on the line it belongs to.

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_TABLE } from '../../local/cloud.js';
import { JsonRequests, KMS } from '../../shared/aws/json-requests.js';
import { KmsRecordSigner } from '../../shared/aws/kms-ledger-keys.js';
import { chainNext, type LedgerRecord } from '../../shared/domain/ledger.js';
import { signRecord } from '../../shared/domain/ledger-signature.js';
import { documentsAt } from '../../harness/local-cloud.js';
import { startCliCloud, type CliCloud } from '../support/cli.js';

const SERVICE = 'allatonce';
const ID = 'allatonce-0e0e0e0e0e0e-forged';
const REASON =
  'disk full\x1b[2K\r\x1b[32mRELEASE 99 promoted\x1b[0m\nRELEASE 98 promoted \x9b2J\u202etxt.exe';
const SHOWN_REASON = String.raw`disk full\x1b[2K\r\x1b[32mRELEASE 99 promoted\x1b[0m\nRELEASE 98 promoted \x9b2J\u202etxt.exe`;
const ACTOR = 'operator:ana\x1b]0;owned\x07';
const SHOWN_ACTOR = String.raw`operator:ana\x1b]0;owned\x07`;
const DIGEST = `sha256:${'0e'.repeat(32)}`;
const AT = '2026-01-02T03:04:05.000Z';
/** Raw terminal control: C0 but the line feed between lines, DEL, C1, the bidi overrides. */
// eslint-disable-next-line no-control-regex -- what must not reach the terminal
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

let cloud: CliCloud;
let seeded: LedgerRecord;

beforeAll(async () => {
  cloud = await startCliCloud();
  const { ledger, deployments } = cloud.handle.clients;
  const records = (await ledger.list(SERVICE)) as LedgerRecord[];
  seeded = records[0]!;
  const head = records.at(-1)!;
  const image = `${cloud.handle.cloud.ecr.registry}/${SERVICE}@${DIGEST}`;
  const envelope = { service: SERVICE, at: AT, deploymentId: ID, release: head.release + 1, actor: ACTOR };
  const started = chainNext(head, {
    ...envelope,
    type: 'ReleaseStarted',
    detail: { image, strategy: 'all-at-once', trigger: 'api' },
  });
  const rolledBack = chainNext(started, {
    ...envelope,
    type: 'RolledBack',
    detail: { reason: { kind: 'operator', message: REASON } },
  });
  const table = documentsAt(cloud.handle.cloud.endpoint);
  // Signed as a ledger writer signs: with the credentials of one of their roles.
  const local = cloud.handle.cloud;
  const kms = new JsonRequests(KMS, {
    endpoint: local.endpoint,
    region: 'us-east-1',
    credentials: local.iam.credentialsFor('roll-back'),
  });
  const signer = new KmsRecordSigner(kms, local.ledger.resources.arn('LedgerKey'));
  for (const record of [started, rolledBack])
    await table.send(new PutCommand({ TableName: LEDGER_TABLE, Item: await signRecord(record, signer) }));
  table.destroy();
  const stable = (await deployments.get(`${SERVICE}-initial`))?.stable;
  const state = await cloud.handle.clients.serviceStates.get(SERVICE);
  await deployments.create({
    deploymentId: ID,
    service: SERVICE,
    release: envelope.release,
    image,
    strategy: 'all-at-once',
    trigger: 'api',
    actor: ACTOR,
    status: 'rolled-back',
    phase: 'rolled-back',
    startedAt: Date.parse(AT),
    updatedAt: Date.parse(AT),
    stable: stable ?? state.stable!,
    candidate: { targetGroupArn: state.stable!.targetGroupArn },
    weights: { stable: 100, candidate: 0 },
    reason: { kind: 'operator', message: REASON },
  });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('ledger text with terminal escapes', () => {
  it('releases shows the forged actor and reason escaped, each in its own cell', async () => {
    const run = await cloud.cutover(['releases', SERVICE]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    const seededDigest = (seeded.type === 'ReleaseStarted' ? seeded.detail.image : '').split('@')[1]!;
    const seededAt = seeded.at.replace(/\.\d+Z$/, 'Z');
    expect(run.stdout.split('\n')).toEqual([
      'RELEASE  OUTCOME      TAG  IMAGE                TRIGGER  ACTOR                         STARTED               REASON',
      `2        rolled-back  -    sha256:0e0e0e0e0e0e  api      ${SHOWN_ACTOR}  2026-01-02T03:04:05Z  ${SHOWN_REASON}`,
      `1        promoted     -    ${seededDigest.slice(0, 19)}  console  cutover local start           ${seededAt}`,
      '',
      expect.stringMatching(
        /^ledger: \d+ records, hashes and signatures valid, the chain reaches its anchors \(head: record \d+\)$/,
      ),
    ]);
  });

  it('status shows the forged reason escaped, on the reason line', async () => {
    const run = await cloud.cutover(['status', ID]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    const lines = run.stdout.split('\n');
    const steps = lines.filter((line) => /^ {2}[✓▶·–] /.test(line));
    expect(steps.length).toBeGreaterThan(0);
    expect(lines).toEqual([
      `${ID}: ${SERVICE} release 2, all-at-once, rolled back`,
      expect.stringMatching(/^progress {2}took \d+s$/),
      `image   ${SERVICE}@sha256:0e0e0e0e0e0e (stable: release 1, ${SERVICE}@${seededDigestOf(seeded)})`,
      '',
      ...steps,
      '',
      'stable ████████████████████ candidate 0%',
      `alarms  ${SERVICE}-5xx-rate OK`,
      `reason  ${SHOWN_REASON}`,
    ]);
  });
});

function seededDigestOf(record: LedgerRecord): string {
  return (record.type === 'ReleaseStarted' ? record.detail.image : '').split('@')[1]!.slice(0, 19);
}

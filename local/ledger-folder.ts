// The release ledger of a data folder being resumed, checked before the local cloud serves
// anything: its records in dynalite (`dynamodb/`) against the anchors in the local S3 (`s3/`).
// A release's end stores the chain's head in the Object-Locked anchor bucket; a chain that no
// longer reaches its newest anchor had its newest records removed or replaced (a folder put
// together from copies of different times, or edited by hand), and resuming it would carry on
// from a ledger the anchors contradict. Records without an anchor bucket are refused too: a new,
// empty bucket would vouch for whatever the table now holds. Both are checked with the engine's
// own code: the ledger adapter, and `verify` with the anchors.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoReleaseLedger } from '../shared/aws/dynamodb-release-ledger.js';
import { ledgerRecordSchema, verify, type Anchor } from '../shared/domain/ledger.js';
import type { S3Store } from './aws/s3-store.js';
import { DataFolderInvalid } from './errors.js';

/** The template's bucket for the ledger's anchors (serverless.yml `LedgerAnchorBucket`). */
export const LEDGER_ANCHOR_BUCKET = 'LedgerAnchorBucket';

const RECOVER =
  'Restore the whole data folder (dynamodb/, s3/, kms/ and state.json together) from one copy, ' +
  'or move it away to start afresh.';

export interface LedgerFolder {
  dataDir: string;
  /** dynalite's own endpoint: nothing else listens yet. */
  dynamodb: string;
  table: string;
  region: string;
}

/** Runs `use` with the ledger adapter on dynalite directly, and closes its client. */
async function withLedger<T>(
  folder: LedgerFolder,
  use: (client: DynamoDBClient, ledger: DynamoReleaseLedger) => Promise<T>,
): Promise<T> {
  const client = new DynamoDBClient({
    endpoint: folder.dynamodb,
    region: folder.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    return await use(client, new DynamoReleaseLedger(DynamoDBDocumentClient.from(client), folder.table));
  } finally {
    client.destroy();
  }
}

/**
 * Refuses a folder whose ledger holds records but whose `s3/` has no anchor bucket; call it
 * before the template's bucket is created, or a new, empty one would hide the loss.
 */
export async function refuseUnanchoredLedger(folder: LedgerFolder): Promise<void> {
  const s3 = join(folder.dataDir, 's3');
  if (holdsBucket(s3, LEDGER_ANCHOR_BUCKET)) return;
  const holdsRecords = await withLedger(folder, async (client) => {
    try {
      const page = await client.send(new ScanCommand({ TableName: folder.table, Limit: 1 }));
      return (page.Items ?? []).length > 0;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return false;
      throw error;
    }
  });
  if (!holdsRecords) return;
  throw new DataFolderInvalid(
    `${folder.dataDir} holds ledger records in DynamoDB (${folder.table}) but no anchor bucket ` +
      `(${s3}/ has no bucket for ${LEDGER_ANCHOR_BUCKET}), so it cannot be resumed: a new, empty ` +
      `bucket would vouch for whatever the table now holds. ${RECOVER}`,
  );
}

/**
 * Refuses a folder where a service's chain is shorter than its newest anchor's seq, or holds a
 * different hash at that seq. Other breaks in a chain are `cutover verify`'s to report: they
 * are logged, and the engine refuses to release on them.
 */
export async function refuseLedgerBehindAnchors(
  folder: LedgerFolder,
  store: S3Store,
  bucket: string,
  log: (line: string) => void,
): Promise<void> {
  const anchors = newestAnchors(store, bucket);
  await withLedger(folder, async (_, ledger) => {
    for (const [service, versions] of anchors) {
      const records = await ledger.list(service);
      for (const anchor of versions) {
        const result = verify(records, { service, anchors: [anchor] });
        if (result.ok) continue;
        const atAnchor = records[anchor.seq - 1] as { seq?: unknown; hash?: unknown } | undefined;
        const reaches = atAnchor?.seq === anchor.seq && atAnchor.hash === anchor.hash;
        if (result.problem !== 'head-mismatch' && reaches) {
          log(
            `the ledger of ${service} fails verification (${result.message}); run \`cutover verify ${service}\``,
          );
          continue;
        }
        throw new DataFolderInvalid(
          `The ledger of service "${service}" in ${folder.dataDir} does not reach its newest anchor: ` +
            `${anchor.source} is seq ${anchor.seq} with hash ${anchor.hash}, but the chain in DynamoDB ` +
            `holds ${records.length} record(s) (${result.message}). Its newest records were removed ` +
            `or replaced after they were anchored, so it cannot be resumed. ${RECOVER}`,
        );
      }
    }
  });
}

/**
 * Each anchored service's newest anchor (every version of it), read from the bucket's files as S3LedgerAnchors lists
 * them (versions, so a delete marker hides nothing). An anchor that is not a ledger record
 * cannot be checked against: the folder is refused.
 */
function newestAnchors(store: S3Store, bucket: string): Map<string, Anchor[]> {
  const newest = new Map<string, { key: string; seq: number }>();
  for (const version of store.versions(bucket)) {
    const match = /^anchors\/([^/]+)\/(\d{12})\.json$/.exec(version.key);
    if (match === null || version.deleteMarker) continue;
    const service = decodeURIComponent(match[1]!);
    const seq = Number(match[2]);
    if ((newest.get(service)?.seq ?? 0) < seq) newest.set(service, { key: version.key, seq });
  }
  const anchors = new Map<string, Anchor[]>();
  for (const [service, { key, seq }] of newest) {
    for (const version of store.versionsOf(bucket, key).filter((v) => !v.deleteMarker)) {
      const source = `the S3 anchor ${bucket}/${key}`;
      let parsed;
      try {
        parsed = ledgerRecordSchema.safeParse(JSON.parse(store.body(bucket, version).toString('utf8')));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success || parsed.data.seq !== seq || parsed.data.service !== service) {
        throw new DataFolderInvalid(
          `${source} (version ${version.versionId}) is not the signed head record of ${service} at ` +
            `seq ${seq}, so the ledger cannot be checked against it. ${RECOVER}`,
        );
      }
      anchors.set(service, [...(anchors.get(service) ?? []), { seq, hash: parsed.data.hash, source }]);
    }
  }
  return anchors;
}

/** Whether `s3/` holds the bucket created for a template's logical id (aws/s3-store.ts's files). */
function holdsBucket(s3: string, logicalId: string): boolean {
  if (!existsSync(s3)) return false;
  return readdirSync(s3).some((name) => {
    const file = join(s3, name, 'bucket.json');
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { logicalId?: unknown }).logicalId === logicalId;
    } catch {
      return false;
    }
  });
}

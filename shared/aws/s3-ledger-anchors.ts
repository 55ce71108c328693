// Ledger anchors in an S3 bucket with Object Lock in compliance mode: the signed head record of
// a chain, one object per anchored seq (`anchors/<service>/<seq, 12 digits>.json`). Within the
// retention period no version can be deleted or overwritten, by anyone; a delete without a
// version only adds a delete marker, so the newest anchor is found by listing versions, which
// delete markers do not hide. The bucket comes from LEDGER_ANCHOR_BUCKET.

import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  type ObjectVersion,
} from '@aws-sdk/client-s3';
import { canonicalJson } from '../domain/canonical-json.js';
import type { LedgerRecord } from '../domain/ledger.js';
import type { LedgerAnchors } from '../ports/ledger.js';
import { requireEnv } from '../runtime/env.js';
import { credentialsOption } from '../runtime/invocation-credentials.js';
import { translateTransient } from './errors.js';

/** Path-style addressing works everywhere, including the local cloud's single endpoint. */
export const s3Client = () => new S3Client({ ...credentialsOption(), forcePathStyle: true });

const prefix = (service: string) => `anchors/${encodeURIComponent(service)}/`;
export const anchorKey = (service: string, seq: number) =>
  `${prefix(service)}${String(seq).padStart(12, '0')}.json`;

export class S3LedgerAnchors implements LedgerAnchors {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(head: LedgerRecord): Promise<void> {
    const key = anchorKey(head.service, head.seq);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: canonicalJson(head),
          ContentType: 'application/json',
          // Write-once: a retried step finds the anchor there (412) and is done.
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) return;
      translateTransient(`S3 PutObject ${this.bucket}/${key}`, error);
    }
  }

  async newest(service: string): Promise<unknown[]> {
    const versions = await this.versions(service);
    const newestKey = versions
      .map((v) => v.Key!)
      .sort()
      .at(-1);
    if (newestKey === undefined) return [];
    const anchors: unknown[] = [];
    for (const version of versions.filter((v) => v.Key === newestKey)) {
      anchors.push(await this.read(newestKey, version.VersionId));
    }
    return anchors;
  }

  private async versions(service: string): Promise<ObjectVersion[]> {
    const found: ObjectVersion[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await this.call(`S3 ListObjectVersions ${this.bucket}/${prefix(service)}`, () =>
        this.client.send(
          new ListObjectVersionsCommand({
            Bucket: this.bucket,
            Prefix: prefix(service),
            KeyMarker: keyMarker,
            VersionIdMarker: versionIdMarker,
          }),
        ),
      );
      found.push(...(page.Versions ?? []).filter((v) => v.Key !== undefined));
      [keyMarker, versionIdMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextVersionIdMarker] : [];
    } while (keyMarker !== undefined);
    return found;
  }

  private async read(key: string, versionId: string | undefined): Promise<unknown> {
    const output = await this.call(`S3 GetObject ${this.bucket}/${key}`, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId })),
    );
    const text = (await output.Body?.transformToString('utf8')) ?? '';
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Verification reports it as a malformed anchor.
      return text;
    }
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      return translateTransient(operation, error);
    }
  }
}

export const ledgerAnchors = (client: S3Client = s3Client()) =>
  new S3LedgerAnchors(client, requireEnv('LEDGER_ANCHOR_BUCKET'));

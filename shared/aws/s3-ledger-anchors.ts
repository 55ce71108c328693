// Ledger anchors in an S3 bucket with Object Lock in compliance mode: the signed head record of
// a chain, one object per anchored seq (`anchors/<service>/<seq, 12 digits>.json`). Within the
// retention period no version can be deleted or overwritten, by anyone; a delete without a
// version only adds a delete marker, so the newest anchor is found by listing versions, which
// delete markers do not hide. The bucket comes from LEDGER_ANCHOR_BUCKET.

import { canonicalJson } from '../domain/canonical-json.js';
import type { LedgerRecord } from '../domain/ledger.js';
import type { LedgerAnchors } from '../ports/ledger.js';
import { requireEnv, type Environment } from '../runtime/env.js';
import { translateTransient } from './errors.js';
import { S3Requests, type ObjectVersion } from './s3-requests.js';
import { configFromEnv } from './signed-http.js';

/**
 * S3 as the SDK's client would reach it: AWS_REGION, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL
 * (the local cloud's), and the SDK's credential chain (on Lambda, the role's, from the environment).
 */
export const s3Requests = (env: Environment) => new S3Requests(configFromEnv('S3', env));

const prefix = (service: string) => `anchors/${encodeURIComponent(service)}/`;
export const anchorKey = (service: string, seq: number) =>
  `${prefix(service)}${String(seq).padStart(12, '0')}.json`;

export class S3LedgerAnchors implements LedgerAnchors {
  constructor(
    private readonly s3: S3Requests,
    private readonly bucket: string,
  ) {}

  async put(head: LedgerRecord): Promise<void> {
    const key = anchorKey(head.service, head.seq);
    try {
      await this.s3.putObject({
        bucket: this.bucket,
        key,
        body: canonicalJson(head),
        contentType: 'application/json',
        // Write-once: a retried step finds the anchor there (412) and is done.
        ifNoneMatch: '*',
      });
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) return;
      translateTransient(`S3 PutObject ${this.bucket}/${key}`, error);
    }
  }

  async newest(service: string): Promise<unknown[]> {
    const versions = await this.versions(service);
    const newestKey = versions
      .map((v) => v.key)
      .sort()
      .at(-1);
    if (newestKey === undefined) return [];
    const anchors: unknown[] = [];
    for (const version of versions.filter((v) => v.key === newestKey)) {
      anchors.push(await this.read(newestKey, version.versionId));
    }
    return anchors;
  }

  private async versions(service: string): Promise<ObjectVersion[]> {
    const found: ObjectVersion[] = [];
    let marker: { keyMarker: string; versionIdMarker: string } | undefined;
    do {
      const page = await this.call(`S3 ListObjectVersions ${this.bucket}/${prefix(service)}`, () =>
        this.s3.listObjectVersions({ bucket: this.bucket, prefix: prefix(service), ...marker }),
      );
      found.push(...page.versions);
      marker = page.next;
    } while (marker !== undefined);
    return found;
  }

  private async read(key: string, versionId: string): Promise<unknown> {
    const text = await this.call(`S3 GetObject ${this.bucket}/${key}`, () =>
      this.s3.getObject({ bucket: this.bucket, key, versionId }),
    );
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

/** The anchors in `env`'s LEDGER_ANCHOR_BUCKET, over S3 as `env` reaches it. */
export const ledgerAnchors = (env: Environment) =>
  new S3LedgerAnchors(s3Requests(env), requireEnv('LEDGER_ANCHOR_BUCKET', env));

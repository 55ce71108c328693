// The local S3's buckets and object versions, kept in the data folder so they survive a
// restart: `s3/<bucket>/bucket.json` (the bucket's settings), `s3/<bucket>/versions.json`
// (every version and delete marker, oldest first) and `s3/<bucket>/blobs/<versionId>` (each
// version's bytes). Each write replaces a file atomically.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { writeDurably } from '../durable-file.js';

export type Retention = 'GOVERNANCE' | 'COMPLIANCE';

export interface DefaultRetention {
  mode: Retention;
  days?: number;
  years?: number;
}

export interface BucketRecord {
  name: string;
  createdAt: number;
  /** Unset until versioning is first turned on; Object Lock turns it on for good. */
  versioning?: 'Enabled' | 'Suspended';
  objectLock: boolean;
  defaultRetention?: DefaultRetention;
  /** The template resource this bucket was created for, if any (its logical id). */
  logicalId?: string;
}

export interface VersionRecord {
  key: string;
  /** `null` for objects put while versioning was never on, or suspended. */
  versionId: string;
  deleteMarker: boolean;
  lastModified: number;
  etag?: string;
  size?: number;
  contentType?: string;
  metadata?: Record<string, string>;
  /** Content-Encoding, Cache-Control, Content-Disposition, Content-Language, as put. */
  representation?: Record<string, string>;
  /** The checksum the object was put with (header name, e.g. `x-amz-checksum-crc32`, and value). */
  checksum?: { header: string; value: string };
  lockMode?: Retention;
  /** Epoch ms. */
  retainUntil?: number;
}

interface Bucket {
  record: BucketRecord;
  versions: VersionRecord[];
}

export class S3Store {
  private readonly buckets = new Map<string, Bucket>();
  private readonly folder: string;

  constructor(dataDir: string) {
    this.folder = join(dataDir, 's3');
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(this.folder)) {
      const file = join(this.folder, name, 'bucket.json');
      if (!existsSync(file)) continue;
      const record = JSON.parse(readFileSync(file, 'utf8')) as BucketRecord;
      const versionsFile = join(this.folder, name, 'versions.json');
      const versions = existsSync(versionsFile)
        ? (JSON.parse(readFileSync(versionsFile, 'utf8')) as VersionRecord[])
        : [];
      this.buckets.set(name, { record, versions });
    }
  }

  static newVersionId(): string {
    return randomBytes(24).toString('base64url').replaceAll('-', '.');
  }

  bucket(name: string): BucketRecord | undefined {
    return this.buckets.get(name)?.record;
  }

  allBuckets(): BucketRecord[] {
    return [...this.buckets.values()].map((b) => b.record).sort((a, b) => a.name.localeCompare(b.name));
  }

  saveBucket(record: BucketRecord): void {
    const existing = this.buckets.get(record.name);
    this.buckets.set(record.name, { record, versions: existing?.versions ?? [] });
    mkdirSync(join(this.folder, record.name, 'blobs'), { recursive: true, mode: 0o700 });
    writeDurably(join(this.folder, record.name, 'bucket.json'), JSON.stringify(record));
  }

  deleteBucket(name: string): void {
    this.buckets.delete(name);
    rmSync(join(this.folder, name), { recursive: true, force: true });
  }

  /** Every version and delete marker in the bucket, oldest first. */
  versions(bucket: string): readonly VersionRecord[] {
    return this.buckets.get(bucket)?.versions ?? [];
  }

  /** A key's versions, newest first. */
  versionsOf(bucket: string, key: string): VersionRecord[] {
    return this.versions(bucket)
      .filter((v) => v.key === key)
      .reverse();
  }

  body(bucket: string, version: VersionRecord): Buffer {
    return readFileSync(join(this.folder, bucket, 'blobs', blobName(version)));
  }

  /** Adds a version (or delete marker), first removing a `null` version of the key it replaces. */
  addVersion(bucket: string, version: VersionRecord, body?: Buffer): void {
    const entry = this.buckets.get(bucket)!;
    if (version.versionId === 'null') {
      entry.versions = entry.versions.filter((v) => !(v.key === version.key && v.versionId === 'null'));
    }
    if (body !== undefined) writeDurably(join(this.folder, bucket, 'blobs', blobName(version)), body);
    entry.versions.push(version);
    this.saveVersions(bucket);
  }

  removeVersion(bucket: string, version: VersionRecord): void {
    const entry = this.buckets.get(bucket)!;
    entry.versions = entry.versions.filter((v) => v !== version);
    if (!version.deleteMarker) rmSync(join(this.folder, bucket, 'blobs', blobName(version)), { force: true });
    this.saveVersions(bucket);
  }

  private saveVersions(bucket: string): void {
    const entry = this.buckets.get(bucket)!;
    writeDurably(join(this.folder, bucket, 'versions.json'), JSON.stringify(entry.versions));
  }
}

/** A version's blob file: its id, made unique per key (a `null` version id repeats across keys). */
function blobName(version: VersionRecord): string {
  return version.versionId === 'null'
    ? `null-${createHash('sha256').update(version.key).digest('hex')}`
    : version.versionId;
}

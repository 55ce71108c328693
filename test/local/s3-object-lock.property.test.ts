// The promises an Object-Locked bucket makes, checked against random sequences of puts,
// deletes (with and without a version id) and the passing of time: a version under
// COMPLIANCE retention is never destroyed, every version not deleted reads back as it was
// put, and ListObjectsV2 shows exactly the keys whose newest version is not a delete marker.

import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalS3 } from '../../local/aws/s3.js';
import { parseS3Request, type S3Response } from '../../local/aws/s3-wire.js';

const DAY = 86_400_000;

interface ModelVersion {
  versionId: string;
  body: string | null;
  retainUntil: number;
}

interface World {
  s3: LocalS3;
  clock: { now: number };
}

type Model = Map<string, ModelVersion[]>;

function call(world: World, method: string, url: string, body = '', headers: Record<string, string> = {}) {
  const raw = Buffer.from(body);
  const md5 = createHash('md5').update(raw).digest('base64');
  const request = parseS3Request(
    method,
    url,
    method === 'PUT' ? { ...headers, 'content-md5': md5 } : headers,
  );
  return world.s3.handle(request, raw, () => false);
}

const text = (response: S3Response) => response.body.toString();

class Put implements fc.Command<Model, World> {
  constructor(
    readonly key: string,
    readonly body: string,
  ) {}
  check = () => true;
  run(model: Model, world: World): void {
    const answer = call(world, 'PUT', `/locked/${this.key}`, this.body);
    expect(answer.status).toBe(200);
    const versionId = answer.headers['x-amz-version-id']!;
    model.set(this.key, [
      ...(model.get(this.key) ?? []),
      { versionId, body: this.body, retainUntil: world.clock.now + DAY },
    ]);
    verify(model, world);
  }
  toString = () => `put ${this.key} ${JSON.stringify(this.body)}`;
}

class DeleteKey implements fc.Command<Model, World> {
  constructor(readonly key: string) {}
  check = () => true;
  run(model: Model, world: World): void {
    const answer = call(world, 'DELETE', `/locked/${this.key}`);
    expect(answer.status).toBe(204);
    const versionId = answer.headers['x-amz-version-id']!;
    model.set(this.key, [...(model.get(this.key) ?? []), { versionId, body: null, retainUntil: 0 }]);
    verify(model, world);
  }
  toString = () => `delete ${this.key}`;
}

class DeleteVersion implements fc.Command<Model, World> {
  constructor(
    readonly key: string,
    readonly pick: number,
  ) {}
  check = (model: Readonly<Model>) => (model.get(this.key)?.length ?? 0) > 0;
  run(model: Model, world: World): void {
    const versions = model.get(this.key)!;
    const version = versions[this.pick % versions.length]!;
    const answer = call(world, 'DELETE', `/locked/${this.key}?versionId=${version.versionId}`);
    const protectedNow = version.body !== null && version.retainUntil > world.clock.now;
    expect(answer.status).toBe(protectedNow ? 403 : 204);
    if (!protectedNow)
      model.set(
        this.key,
        versions.filter((v) => v !== version),
      );
    verify(model, world);
  }
  toString = () => `delete version #${this.pick} of ${this.key}`;
}

class Wait implements fc.Command<Model, World> {
  constructor(readonly hours: number) {}
  check = () => true;
  run(model: Model, world: World): void {
    world.clock.now += this.hours * 3_600_000;
    verify(model, world);
  }
  toString = () => `wait ${this.hours} h`;
}

/** The bucket agrees with the model: every version reads back, and the listing shows the live keys. */
function verify(model: Model, world: World): void {
  for (const [key, versions] of model) {
    for (const version of versions) {
      const answer = call(world, 'GET', `/locked/${key}?versionId=${version.versionId}`);
      if (version.body === null) expect(answer.status).toBe(405);
      else expect(text(answer)).toBe(version.body);
    }
  }
  const live = [...model]
    .filter(([, versions]) => versions.length > 0 && versions.at(-1)!.body !== null)
    .map(([key]) => key)
    .sort();
  const listed = [...text(call(world, 'GET', '/locked?list-type=2')).matchAll(/<Key>([^<]*)<\/Key>/g)];
  expect(listed.map((m) => m[1])).toEqual(live);
}

const keyArb = fc.constantFrom('a', 'b', 'c/d');
const commands = [
  fc.tuple(keyArb, fc.string({ maxLength: 8 })).map(([key, body]) => new Put(key, body)),
  keyArb.map((key) => new DeleteKey(key)),
  fc.tuple(keyArb, fc.nat(10)).map(([key, pick]) => new DeleteVersion(key, pick)),
  fc.integer({ min: 1, max: 30 }).map((hours) => new Wait(hours)),
];

describe('an Object-Locked bucket under COMPLIANCE retention', () => {
  it('never loses a retained version, and lists exactly the keys not hidden by a delete marker', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 25 }), (sequence) => {
        const clock = { now: Date.parse('2026-12-01T00:00:00Z') };
        const s3 = new LocalS3({
          dataDir: mkdtempSync(join(tmpdir(), 'cutover-s3-model-')),
          region: 'us-east-1',
          account: '000000000000',
          now: () => clock.now,
        });
        s3.bucketOperations.create('locked', {
          objectLock: true,
          defaultRetention: { mode: 'COMPLIANCE', days: 1 },
        });
        fc.modelRun(() => ({ model: new Map(), real: { s3, clock } }), sequence);
      }),
      { numRuns: 40 },
    );
  });
});

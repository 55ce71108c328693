// Release safety as invariants, tested with random sequences of what people and AWS do
// (fast-check's model-based commands) on the local cloud: pushes of healthy, faulty and
// unhealthy images and of digests nobody pushed, deploys with strategy overrides, approve,
// abort, promote and promote --full, rollback and rollback --to, alarms forced to ALARM and
// back, and restarts of the local cloud. After every command, and at rest at the end:
//   I1 the live image is the seeded one, or one whose release was promoted with every gate
//      its catalog requires recorded in the ledger;
//   I2 release numbers are unique and increase, per service;
//   I3 an accepted rollback ends with a previously promoted image live, even while alarms fire;
//   I4 at rest: production weights 100/0 on the live task set, exactly one task set, no lock;
//   I5 every accepted operator action is in the ledger once, every refused one not at all;
//   I6 every chain verifies.
// A failure shrinks to a minimal sequence, printed as the reproduction with the seed and path
// that replay it: MODEL_SEED=<seed> MODEL_PATH=<path> npx vitest run test/reliability/model.test.ts

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/emulators.js';
import { FULL, report } from './size.js';
import { emptyModel, PROFILES, SERVICES, World, type Model, type Service } from '../support/release-model.js';

const SIZE = FULL ? { runs: 25, commands: 12 } : { runs: 3, commands: 6 };
const figures = { sequences: 0, commands: 0, checks: 0 };
let world: World | undefined;
let port: number | undefined;

afterAll(async () => {
  await world?.stop();
  report('model', figures);
});

/** A record of the ledger, as the invariants read it. */
interface Entry {
  type: string;
  release: number;
  deploymentId: string;
  detail: Record<string, unknown>;
}

/** Images a person may find live: the seeded one, and every one promoted with its gates. */
function promotedImages(service: Service, records: Entry[]): Set<string> {
  const started = new Map(records.filter((r) => r.type === 'ReleaseStarted').map((r) => [r.deploymentId, r]));
  // A person's go-ahead: approve, or promote (--full) while the deployment waits for approval.
  const goAhead = ['approve', 'promote', 'promote-full'];
  const approved = new Set(
    records
      .filter((r) => r.type === 'OperatorAction' && goAhead.includes(String(r.detail.action)))
      .map((r) => r.deploymentId),
  );
  const images = new Set<string>([String(records.find((r) => r.type === 'ReleaseStarted')?.detail.image)]);
  for (const promoted of records.filter((r) => r.type === 'Promoted')) {
    const start = started.get(promoted.deploymentId);
    const redeploy = start?.detail.trigger === 'rollback' && images.has(String(start.detail.image));
    // bluegreen requires approval: a promotion counts only with the approval recorded, or as a
    // redeploy of an image that was promoted with it.
    if (service === 'linear' || approved.has(promoted.deploymentId) || redeploy) {
      images.add(String(promoted.detail.image));
    }
  }
  return images;
}

async function checkService(world: World, model: Model, service: Service, atRest: boolean): Promise<void> {
  const { records, verified } = await world.ledger(service);
  const entries = records as unknown as Entry[];
  figures.checks += 1;
  expect(verified, `I6: ${service}'s chain verifies`).toMatchObject({ ok: true });

  const releases = entries.filter((r) => r.type === 'ReleaseStarted').map((r) => r.release);
  expect(releases, `I2: ${service}'s release numbers are unique and increase`).toEqual(
    [...new Set(releases)].sort((a, b) => a - b),
  );

  const reasons = entries
    .filter((r) => r.type === 'OperatorAction')
    .map((r) => (typeof r.detail.reason === 'string' ? r.detail.reason : ''));
  for (const action of model.actions.filter((a) => a.service === service)) {
    const times = reasons.filter((reason) => reason === action.token).length;
    expect(times, `I5: ${action.token} (${action.accepted ? 'accepted' : 'refused'}) in the ledger`).toBe(
      action.accepted ? 1 : 0,
    );
  }

  if (!atRest) return;
  const live = await world.live(service);
  expect(
    [...promotedImages(service, entries)],
    `I1: ${service}'s live image was promoted with its gates`,
  ).toContain(live.image);
  expect(live.taskSets, `I4: ${service} runs one task set at rest`).toBe(1);
  const weights = await world.weights(service);
  expect(weights[live.targetGroup!], `I4: ${service}'s production traffic is on its live task set`).toBe(100);
  expect(
    await world.handle.clients.locks.holder(service),
    `I4: ${service}'s lock is free at rest`,
  ).toBeNull();
}

/** Settles every service, then checks each; a service waiting for a person is not at rest. */
async function checkAll(world: World, model: Model): Promise<void> {
  for (const service of SERVICES) {
    const { waiting } = await world.settle(service);
    await checkService(world, model, service, !waiting);
  }
}

type Command = fc.AsyncCommand<Model, World>;

class Push implements Command {
  constructor(
    readonly service: Service,
    readonly profile: string,
  ) {}
  check = () => true;
  async run(model: Model, world: World) {
    const tag = `m${model.next++}`;
    const digest = world.push(this.service, tag, this.profile);
    model.pushed[this.service].push({ tag, digest, profile: this.profile });
    await checkAll(world, model);
  }
  toString = () => `push ${this.service}:${this.profile}`;
}

class Deploy implements Command {
  constructor(
    readonly service: Service,
    readonly which: number | 'never-pushed',
    readonly strategy: string | undefined,
  ) {}
  check = (model: Model) => this.which === 'never-pushed' || model.pushed[this.service].length > 0;
  async run(model: Model, world: World) {
    const pushed = model.pushed[this.service];
    const digest =
      this.which === 'never-pushed'
        ? `sha256:${String(model.next++).padStart(64, '0')}`
        : pushed[this.which % pushed.length]!.digest;
    const answer = await world.api('POST', '/deployments', {
      service: this.service,
      image: world.image(this.service, digest),
      ...(this.strategy === undefined ? {} : { strategy: this.strategy }),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    await checkAll(world, model);
  }
  toString = () =>
    `deploy ${this.service} ${String(this.which)}${this.strategy ? ` --strategy ${this.strategy}` : ''}`;
}

/** approve, abort, promote or promote --full on the service's newest deployment. */
class Act implements Command {
  constructor(
    readonly service: Service,
    readonly action: 'approve' | 'abort' | 'promote' | 'promote-full',
  ) {}
  check = () => true;
  async run(model: Model, world: World) {
    const [newest] = await world.handle.clients.deployments.listByService(this.service, 1);
    if (newest === undefined) return;
    const token = `model-${model.next++}`;
    const path = this.action.startsWith('promote') ? 'promote' : this.action;
    const body = { reason: token, ...(this.action === 'promote-full' ? { full: true } : {}) };
    const answer = await world.api('POST', `/deployments/${newest.deploymentId}/${path}`, body);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    model.actions.push({ service: this.service, token, accepted: answer.status < 300 });
    await checkAll(world, model);
  }
  toString = () => `${this.action} ${this.service}`;
}

class Rollback implements Command {
  constructor(
    readonly service: Service,
    readonly to: number | undefined,
  ) {}
  check = () => true;
  async run(model: Model, world: World) {
    const before = promotedImages(
      this.service,
      (await world.ledger(this.service)).records as unknown as Entry[],
    );
    const token = `model-${model.next++}`;
    const answer = await world.api('POST', `/services/${this.service}/rollback`, {
      reason: token,
      ...(this.to === undefined ? {} : { to: this.to }),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    const accepted = answer.status < 300;
    model.actions.push({ service: this.service, token, accepted });
    await checkAll(world, model);
    if (accepted) {
      model.rollbacks += 1;
      const live = await world.live(this.service);
      expect([...before], `I3: the rollback of ${this.service} brought back a promoted image`).toContain(
        live.image,
      );
    }
  }
  toString = () => `rollback ${this.service}${this.to === undefined ? '' : ` --to ${this.to}`}`;
}

class Alarm implements Command {
  constructor(
    readonly service: Service,
    readonly state: 'ALARM' | 'OK',
  ) {}
  check = () => true;
  async run(model: Model, world: World) {
    await world.alarm(this.service, this.state);
    await checkAll(world, model);
  }
  toString = () => `alarm ${this.service} ${this.state}`;
}

class Restart implements Command {
  check = () => true;
  async run(model: Model, world: World) {
    await world.restart();
    await checkAll(world, model);
  }
  toString = () => 'restart the local cloud';
}

const service = fc.constantFrom(...SERVICES);
const commands = [
  fc.tuple(service, fc.constantFrom(...PROFILES)).map(([s, p]) => new Push(s, p)),
  fc
    .tuple(
      service,
      fc.oneof(fc.nat(5), fc.constant('never-pushed' as const)),
      fc.option(fc.constantFrom('blue-green', 'linear', 'all-at-once', 'rolling'), { nil: undefined }),
    )
    .map(([s, w, st]) => new Deploy(s, w, st)),
  fc
    .tuple(service, fc.constantFrom<Act['action'][]>('approve', 'abort', 'promote', 'promote-full'))
    .map(([s, a]) => new Act(s, a)),
  fc
    .tuple(service, fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }))
    .map(([s, to]) => new Rollback(s, to)),
  fc.tuple(service, fc.constantFrom<('ALARM' | 'OK')[]>('ALARM', 'OK')).map(([s, st]) => new Alarm(s, st)),
  fc.constant(new Restart()),
];

describe('release safety, as invariants over random sequences', () => {
  it(
    `holds I1–I6 over ${SIZE.runs} sequences of up to ${SIZE.commands} commands`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: SIZE.commands }), async (sequence) => {
          await world?.stop();
          port ??= await freePort();
          world = await World.start(port);
          figures.sequences += 1;
          figures.commands += [...sequence].length;
          await fc.asyncModelRun(() => ({ model: emptyModel(), real: world! }), sequence);
          await checkAll(world, emptyModel());
        }),
        {
          numRuns: SIZE.runs,
          endOnFailure: !FULL,
          verbose: 1,
          // Replays a failure that fast-check printed: MODEL_SEED=<seed> MODEL_PATH=<path>.
          ...(process.env.MODEL_SEED === undefined
            ? {}
            : { seed: Number(process.env.MODEL_SEED), path: process.env.MODEL_PATH }),
        },
      );
    },
    FULL ? 3_600_000 : 600_000,
  );
});

/** Sequences the model found once, kept as they were printed: each must hold as any other. */
const FOUND: [string, Command[]][] = [
  [
    'a restart while a blue-green deployment waits for approval leaves one task set (recovery)',
    [new Push('bluegreen', 'healthy'), new Push('linear', 'unhealthy'), new Restart()],
  ],
  [
    'promote --full while waiting for approval is a person’s go-ahead',
    [new Push('bluegreen', 'healthy'), new Act('bluegreen', 'promote-full')],
  ],
];

describe('sequences the model found', () => {
  it.each(FOUND)(
    '%s',
    async (_, sequence) => {
      await world?.stop();
      port ??= await freePort();
      world = await World.start(port);
      const model = emptyModel();
      for (const command of sequence) await command.run(model, world);
      await checkAll(world, model);
    },
    120_000,
  );
});

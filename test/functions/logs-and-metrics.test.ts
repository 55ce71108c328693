// What the handlers print when several run at once in one process, as in the local cloud:
// no Powertools warnings (a dimension overwritten, nothing to publish, a reserved key
// dropped), each step's metrics under its own `step`, recover-orphans' log lines with the
// service and the reason under keys the Logger keeps, and each line tagged with its own
// deployment, never another invocation's.

import { afterAll, describe, expect, it, vi } from 'vitest';
import { createHandler as checkDrift } from '../../functions/check-drift.js';
import { createHandler as recoverOrphans } from '../../functions/recover-orphans.js';
import { createWorld, depsOf, DIGEST, drive, REGISTRY, seedService, start } from '../../harness/engine.js';
import { defaultObservability } from '../../shared/runtime/observability.js';
import { stepHandler } from '../../shared/runtime/step-handler.js';
import * as z from '../../shared/domain/zod.js';

/** Everything written to stdout and stderr while `run` runs, line by line. */
async function printedBy(run: () => Promise<unknown>): Promise<string[]> {
  const written: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write.bind(s));
  for (const stream of streams) {
    stream.write = (chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
  }
  try {
    await run();
  } finally {
    streams.forEach((s, i) => (s.write = writes[i]!));
  }
  return written.join('').split('\n').filter(Boolean);
}

function parsed(lines: string[]): Record<string, unknown>[] {
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

// Read when the Logger and each Metrics are created, so before any import: the Logger goes
// back to its initial level at every invocation.
vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('handlers sharing a process', () => {
  it('print no warnings, publish each step under its own dimension, and keep the recovered service and reason', async () => {
    const worlds = [createWorld(), createWorld(), createWorld(), createWorld()];
    for (const world of worlds) seedService(world, 'web');
    // One with an orphan, two deploying, one with nothing to recover. The orphan: web's
    // lock, held past its lease by a deployment that was never recorded.
    const orphaned = worlds[0]!;
    orphaned.locks.locks.set('web', { deploymentId: 'never-recorded', leaseUntil: 0 });
    const lines = await printedBy(async () => {
      const executions = worlds.slice(1, 3).map((world) => {
        const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
        return { world, execution };
      });
      await Promise.all([
        ...executions.map(({ world, execution }) => drive(world, execution)),
        recoverOrphans(orphaned.catalog, depsOf(orphaned))({}, {}),
        checkDrift(worlds[1]!.catalog, depsOf(worlds[1]!))({}, {}),
        recoverOrphans(worlds[3]!.catalog, depsOf(worlds[3]!))({}, {}),
      ]);
      expect(executions.map(({ execution }) => execution.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    });

    const noise = lines.filter((l) => /has already been added|No application metrics|reserved key/.test(l));
    expect(noise).toEqual([]);

    const records = parsed(lines);
    const recovered = records.filter((r) => r.message === 'recovered an orphaned deployment');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({
      level: 'WARN',
      service: 'cutover',
      recoveredService: 'web',
      deploymentId: 'never-recorded',
      action: 'released',
      detail: 'lock held with no deployment record',
    });

    const emf = records.filter((r) => r._aws !== undefined);
    const shifted = emf.filter((r) => r.step === 'shift-traffic');
    expect(shifted.length).toBeGreaterThan(0);
    expect(shifted.every((r) => typeof r.StepSucceeded === 'number' || Array.isArray(r.StepSucceeded))).toBe(
      true,
    );
    const sweeps = emf.filter((r) => r.OrphansRecovered !== undefined);
    expect(sweeps).toHaveLength(2);
    expect(sweeps.every((r) => r.step === undefined)).toBe(true);
  });
});

describe('log lines about a deployment', () => {
  it('carry their own deployment, with another running at once, and lines after them carry none', async () => {
    const schema = z.object({ spec: z.object({ deploymentId: z.string(), service: z.string() }) });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const observe = defaultObservability();
    const failing = stepHandler(
      'shift-traffic',
      schema,
      async (input) => {
        if (input.spec.deploymentId === 'slow-1') await gate;
        throw new Error(`${input.spec.deploymentId} failed`);
      },
      observe,
    );
    const event = (deploymentId: string, service: string) => ({ spec: { deploymentId, service } });
    const lines = await printedBy(async () => {
      const slow = failing(event('slow-1', 'web'), {}).catch(() => undefined);
      await failing(event('fast-2', 'api'), {}).catch(() => undefined);
      release();
      await slow;
      observe.logger.info('a line about no deployment');
    });
    const records = parsed(lines);
    const failed = records.filter((r) => r.message === 'step failed');
    expect(failed.map((r) => [r.deploymentId, r.deployedService, r.detail])).toEqual([
      ['fast-2', 'api', 'fast-2 failed'],
      ['slow-1', 'web', 'slow-1 failed'],
    ]);
    const unrelated = records.find((r) => r.message === 'a line about no deployment');
    expect(unrelated).toBeDefined();
    expect(unrelated).not.toHaveProperty('deploymentId');
    expect(unrelated).not.toHaveProperty('deployedService');
  });
});

// Every custom ErrorEquals in the state machines names an error class the code
// exports, and every engine error is caught somewhere: a renamed class cannot
// silently turn a rollback into an unhandled failure.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as awsErrors from '../../shared/aws/errors.js';
import * as domainErrors from '../../shared/domain/errors.js';
import * as engineErrors from '../../shared/engine/errors.js';
import { LAMBDA_SERVICE_ERRORS } from '../support/task-policy.js';

const dir = new URL('../../statemachines/', import.meta.url);
const machines = readdirSync(dir).filter((f) => f.endsWith('.asl.json'));

/** The names AWS itself raises, which no class of ours needs to define. */
const AWS_NAMES = new Set<string>(['States.ALL', 'States.Timeout', ...LAMBDA_SERVICE_ERRORS]);

function errorClassNames(module: Record<string, unknown>): string[] {
  return Object.values(module).flatMap((value) => {
    if (typeof value !== 'function' || !(value.prototype instanceof Error)) return [];
    // Error classes here take a message, or a list of problems.
    for (const args of [['probe'], [[]]]) {
      try {
        return [(Reflect.construct(value, args) as Error).name];
      } catch {
        // try the other constructor shape
      }
    }
    return [];
  });
}

function errorEquals(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(errorEquals);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'ErrorEquals' ? (value as string[]) : errorEquals(value),
  );
}

const exported = new Set([awsErrors, domainErrors, engineErrors].flatMap((m) => errorClassNames(m)));

describe('error names in the state machines', () => {
  it('finds the three state machines', () => {
    expect(machines.sort()).toEqual(['blue-green.asl.json', 'canary.asl.json', 'rolling.asl.json']);
  });

  it.each(machines)('%s: every custom ErrorEquals names an exported error class', (file) => {
    const names = errorEquals(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
    const custom = [...new Set(names)].filter((n) => !AWS_NAMES.has(n));
    expect(custom.length).toBeGreaterThan(3);
    expect(custom.filter((n) => !exported.has(n))).toEqual([]);
  });

  it('every engine error, and the transient and input errors, is caught or retried somewhere', () => {
    const used = new Set(
      machines.flatMap((f) => errorEquals(JSON.parse(readFileSync(new URL(f, dir), 'utf8')))),
    );
    const mustBeHandled = [...errorClassNames(engineErrors), 'TransientError', 'DeploymentRequestInvalid'];
    // They end the run in AcquireLock's catch-all (nothing was changed yet), or roll back from
    // CheckAlarms' (nothing moved): LedgerBroken is raised there, before any traffic moves.
    const endsInCatchAll = new Set(['NoStableRelease', 'LedgerBroken']);
    expect(mustBeHandled.filter((n) => !used.has(n) && !endsInCatchAll.has(n))).toEqual([]);
  });
});

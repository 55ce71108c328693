// The template and the ASL agree: every Task in statemachines/*.asl.json has its kind's
// canonical Retry and Catch (test/support/task-policy.ts), and outlasts the Lambda it invokes
// as serverless.yml configures it. A drifted copy fails here, named by file, state and difference.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serviceFields } from '../../shared/domain/catalog-schema.js';
import {
  checkMachine,
  kindOfTask,
  lambdaFunctions,
  logicalIdOf,
  TASK_KINDS,
  TIMEOUT_MARGIN_SECONDS,
  tasksOf,
} from '../support/task-policy.js';

const dir = new URL('../../statemachines/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.asl.json'))
  .sort();
const machines = new Map(files.map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as unknown]));
const functions = lambdaFunctions(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8'));

function machine(file: string): Record<string, unknown> {
  return structuredClone(machines.get(file)) as Record<string, unknown>;
}

function state(asl: Record<string, unknown>, name: string): Record<string, unknown> {
  return (asl.States as Record<string, Record<string, unknown>>)[name]!;
}

describe('Task policies', () => {
  it('reads each function and its timeout from serverless.yml', () => {
    expect(files).toEqual(['blue-green.asl.json', 'canary.asl.json', 'rolling.asl.json']);
    // A function's own timeout, and the provider's for one that sets none.
    expect(functions.get('RollDashbackLambdaFunction')).toEqual({ name: 'roll-back', timeoutSeconds: 120 });
    expect(functions.get('RunDashhookLambdaFunction')).toEqual({ name: 'run-hook', timeoutSeconds: 900 });
    expect(functions.get('ShiftDashtrafficLambdaFunction')).toEqual({
      name: 'shift-traffic',
      timeoutSeconds: 30,
    });
  });

  it.each(files)('%s: every Task matches its kind and outlasts its Lambda', (file) => {
    expect(tasksOf(machines.get(file)).length).toBeGreaterThan(10);
    expect(checkMachine(file, machines.get(file), functions)).toEqual([]);
  });

  it('every kind of Task is in use, so no policy is dead', () => {
    const kinds = [...machines.values()].flatMap((asl) =>
      tasksOf(asl).map(([, task]) => kindOfTask(task, functions)),
    );
    expect(kinds).not.toContain(undefined);
    expect([...new Set(kinds)].sort()).toEqual([...TASK_KINDS].sort());
  });

  it('RollBack outlasts the roll-back Lambda in every file (it timed out at 60 s while running for up to 120 s)', () => {
    const rollBack = functions.get(logicalIdOf('roll-back'))!;
    for (const file of files) {
      const timeout = state(machine(file), 'RollBack').TimeoutSeconds as number;
      expect(timeout).toBeGreaterThanOrEqual(rollBack.timeoutSeconds + TIMEOUT_MARGIN_SECONDS);
    }
  });

  it('reports a drifted copy, naming the file, the state and the difference', () => {
    const asl = machine('canary.asl.json');
    const shift = state(asl, 'ShiftTraffic') as { Retry: { ErrorEquals: string[]; MaxAttempts: number }[] };
    shift.Retry[0]!.ErrorEquals = shift.Retry[0]!.ErrorEquals.filter(
      (e) => e !== 'Lambda.ClientExecutionTimeoutException',
    );
    shift.Retry[0]!.MaxAttempts = 3;
    const promote = state(asl, 'Promote') as { Catch: unknown[] };
    promote.Catch.shift(); // the LockLost catcher
    state(asl, 'RollBack').TimeoutSeconds = 60;
    expect(checkMachine('canary.asl.json', asl, functions)).toEqual([
      'canary.asl.json › ShiftTraffic (step Task, shift-traffic): Retry[0].ErrorEquals: missing "Lambda.ClientExecutionTimeoutException"',
      'canary.asl.json › ShiftTraffic (step Task, shift-traffic): Retry[0].MaxAttempts: expected 6, found 3',
      'canary.asl.json › Promote (step Task, promote): Catch[0].ErrorEquals: missing "LockLost"',
      'canary.asl.json › Promote (step Task, promote): Catch[0].ErrorEquals: unexpected "States.ALL"',
      'canary.asl.json › Promote (step Task, promote): Catch[0].Next: expected "LockLost", found "RollBack"',
      'canary.asl.json › Promote (step Task, promote): Catch[1]: missing, expected {"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"RollBack"}',
      expect.stringMatching(
        /^canary\.asl\.json › RollBack \(rollback Task, roll-back\): TimeoutSeconds 60 does not outlast roll-back's Lambda timeout \(120 s in serverless\.yml\).*at least 150\.$/,
      ),
    ]);
  });

  it('accepts a Task that retries States.Timeout instead of outlasting its Lambda', () => {
    // The rule itself, apart from the canonical Retry (which the Task then no longer matches).
    const asl = machine('rolling.asl.json');
    const rollBack = state(asl, 'RollBack') as { TimeoutSeconds: number; Retry: { ErrorEquals: string[] }[] };
    rollBack.TimeoutSeconds = 60;
    rollBack.Retry[0]!.ErrorEquals.push('States.Timeout');
    const problems = checkMachine('rolling.asl.json', asl, functions);
    expect(problems.filter((p) => p.includes('TimeoutSeconds'))).toEqual([]);
    expect(problems).toEqual([
      'rolling.asl.json › RollBack (rollback Task, roll-back): Retry[0].ErrorEquals: unexpected "States.Timeout"',
    ]);
  });

  it('reports the timeouts of waits and hooks, and Tasks the template does not declare', () => {
    const asl = machine('blue-green.asl.json');
    state(asl, 'FinalBake').TimeoutSecondsPath = '$.spec.settings.approval.timeoutSeconds';
    state(asl, 'WaitForApproval').Resource = 'arn:aws:states:::lambda:invoke';
    state(asl, 'Promote').Resource = { 'Fn::GetAtt': ['PromoteDashnowLambdaFunction', 'Arn'] };
    expect(checkMachine('blue-green.asl.json', asl, functions)).toEqual([
      expect.stringMatching(
        /› WaitForApproval \(approval Task, request-approval\): request-approval hands out a task token/,
      ),
      expect.stringMatching(/› FinalBake \(bake Task, start-bake\): TimeoutSecondsPath is .* the bake time/),
      'blue-green.asl.json › Promote: invokes PromoteDashnowLambdaFunction, which is no function in serverless.yml; fix the name',
    ]);
  });

  it("lets a hook's deadline run past one Lambda call, up to 24 h: its Task waits for the hook's token", () => {
    const runHook = functions.get(logicalIdOf('run-hook'))!;
    const hookTimeout = serviceFields().hookTimeoutSeconds;
    expect(hookTimeout.safeParse(runHook.timeoutSeconds + 1).success).toBe(true);
    expect(hookTimeout.safeParse(86_400).success).toBe(true);
    expect(hookTimeout.safeParse(86_401).success).toBe(false);
    const asl = machine('canary.asl.json');
    state(asl, 'BeforeAllowTraffic').Resource = { 'Fn::GetAtt': ['RunDashhookLambdaFunction', 'Arn'] };
    expect(checkMachine('canary.asl.json', asl, functions)).toEqual([
      expect.stringMatching(/› BeforeAllowTraffic \(hook Task, run-hook\): run-hook hands out a task token/),
    ]);
  });
});

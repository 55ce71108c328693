// Least privilege, checked from both sides. The local cloud runs deployments of every
// pattern (promoted, rolled back by an alarm, approved, rolled back by an operator, a hook
// called again after IN_PROGRESS, a hook that fails), the
// API's reads and the scheduled checks, with every function held to its role; every IAM
// decision is recorded. Then, for each action each role grants, the role is taken without
// it and the recorded requests are judged again: the ones now denied are the steps that
// would fail without that permission. A permission no step needs is a finding, unless it is
// listed below with the reason no deployment here exercises it.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Decision } from '../../local/iam/authorizer.js';
import { evaluate, type Statement } from '../../local/iam/policy.js';
import { freePort } from '../../harness/emulators.js';
import {
  callApi,
  finished,
  push,
  SCENARIOS,
  startCloud,
  until,
  type CloudHandle,
} from '../../harness/local-cloud.js';

const ORPHANS = 'only when a lock outlives its execution (test/reliability/restart.test.ts)';
const LISTENER = 'only for a catalog that names a listener, not a listener rule';
const HEADER_STEP =
  'only for a service with a header-routed step (headerStep), which this catalog has none of (test/local/header-step.test.ts runs one)';
const BASELINE =
  'only for a service with a baseline task set (analysis.baseline), which this catalog has none of (test/local/demo.test.ts runs one)';

/** `function action`: made by these runs or not, depending on timing (a scheduled check, an alarm racing a step). */
const BY_TIMING: Record<string, string> = {
  'recover-orphans states:DescribeExecution': 'when recovery runs while a deployment holds its lock',
  'on-alarm states:SendTaskFailure':
    'when the alarm goes to ALARM during a bake; on a loaded machine the next step may see it first',
  'check-alarms kms:Sign':
    'only when a watched alarm already fires as a deployment starts: AlarmsOverridden is signed (test/api/release-safety.test.ts)',
  'check-alarms kms:GetPublicKey':
    'only then, for a rollback: the Promoted record that proves its image is checked (test/api/release-safety.test.ts)',
};

/** `function action`: why no run here makes that request. */
const NOT_EXERCISED: Record<string, string> = {
  ...BY_TIMING,
  'analyze events:PutEvents':
    'analysis is off for the services of this catalog (test/local/analysis.test.ts runs it)',
  'analyze cloudwatch:GetMetricData': 'analysis is off for the services of this catalog',
  'shift-traffic cloudwatch:GetMetricData':
    'judges the bake before each shift, but analysis is off for the services of this catalog (test/local/analysis.test.ts runs it)',
  'analyze scheduler:DeleteSchedule': 'analysis is off for the services of this catalog',
  'release-lock states:StartExecution': 'only when a push waited for the lock (test/local/triggers.test.ts)',
  'check-drift events:PutEvents': 'only when drift is found (test/cli/drift.test.ts)',
  'acquire-lock ecs:ListTaskDefinitions': 'only when the service’s revision must be found by family',
  'start-bake states:SendTaskSuccess':
    'only when promote --full ends a bake early (test/api/operator-actions-linear.test.ts)',
  'api states:DescribeExecution': 'only when a deployment’s record lags its execution',
  'api elasticloadbalancing:DescribeRules': 'read by the drift route only while nothing deploys',
  // The state machines' roles are the packaging plugin's (local/stepfunctions/machine-role.ts):
  // their HTTP Tasks call webhooks, of which this catalog has none (test/local/webhook-hooks.test.ts).
  ...Object.fromEntries(
    ['canary', 'rolling', 'blue-green'].flatMap((machine) =>
      [
        'states:InvokeHTTPEndpoint',
        'events:RetrieveConnectionCredentials',
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
      ].map((action) => [`cutover-local-${machine}-role ${action}`, 'only a webhook hook calls it']),
    ),
  ),

  ...Object.fromEntries(
    [
      'ecs:DescribeServices',
      'ecs:DescribeTaskSets',
      'ecs:UpdateTaskSet',
      'ecs:DeleteTaskSet',
      'elasticloadbalancing:ModifyRule',
      'elasticloadbalancing:DescribeRules',
      'events:PutEvents',
      'states:StartExecution',
      'ecs:UpdateServicePrimaryTaskSet',
      'kms:Sign',
      's3:PutObject',
      'scheduler:DeleteSchedule',
    ].map((action) => [`recover-orphans ${action}`, ORPHANS]),
  ),
  ...Object.fromEntries(
    [
      'create-task-set elasticloadbalancing:ModifyRule',
      'create-task-set elasticloadbalancing:DescribeRules',
      'promote ecs:DescribeServices',
      'promote ecs:DescribeTaskSets',
      'promote ecs:UpdateTaskSet',
      'promote ecs:DeleteTaskSet',
    ].map((grant) => [grant, BASELINE]),
  ),
  ...Object.fromEntries(
    [
      'shift-traffic elasticloadbalancing:CreateRule',
      'shift-traffic elasticloadbalancing:DeleteRule',
      'roll-back elasticloadbalancing:DeleteRule',
      'recover-orphans elasticloadbalancing:DeleteRule',
    ].map((grant) => [grant, HEADER_STEP]),
  ),
  // A catalog may name a listener where these name a listener rule.
  ...Object.fromEntries(
    ['allow-test-traffic', 'shift-traffic', 'roll-back', 'recover-orphans', 'create-task-set'].map((fn) => [
      `${fn} elasticloadbalancing:ModifyListener`,
      LISTENER,
    ]),
  ),
  ...Object.fromEntries(
    [
      'allow-test-traffic',
      'shift-traffic',
      'roll-back',
      'recover-orphans',
      'check-drift',
      'api',
      'clean-up',
      'create-task-set',
    ].map((fn) => [`${fn} elasticloadbalancing:DescribeListeners`, LISTENER]),
  ),
};

/**
 * DynamoDB is left out: every function reads and writes its deployment's records through one
 * statement on the deployments table (which statement grants a table action is not told
 * apart here), and CI checks that nothing may change the ledger's items.
 */
const checked = (action: string) => !action.startsWith('dynamodb:');

let handle: CloudHandle;
const decisions: Decision[] = [];

const api = (method: string, path: string, body?: unknown) =>
  callApi(handle, method, path, body, 'operator:iam-test');

/**
 * canary's BeforeAllowTraffic hook: IN_PROGRESS once, then SUCCEEDED; FAILED once `hookFails`,
 * and as the check after a rollback (which publishes its event).
 */
let hookFails = false;
function canarySmoke(event: unknown) {
  if (hookFails || (event as { afterRollback?: unknown }).afterRollback === true)
    return { hookStatus: 'FAILED' };
  const called = (event as { hookDetails?: unknown }).hookDetails !== undefined;
  return called
    ? { hookStatus: 'SUCCEEDED' }
    : { hookStatus: 'IN_PROGRESS', callBackDelay: 10, hookDetails: { n: 1 } };
}

/** The scenarios, with a hook on canary: run-hook, its schedules and their role are exercised too. */
function catalogWithHook(): string {
  const catalog = parse(readFileSync(SCENARIOS, 'utf8')) as {
    services: Record<string, Record<string, unknown>>;
  };
  catalog.services.canary!.hooks = { BeforeAllowTraffic: { function: 'canary-smoke', afterRollback: true } };
  const path = join(mkdtempSync(join(tmpdir(), 'iam-permissions-')), 'catalog.yml');
  writeFileSync(path, stringify(catalog));
  return path;
}

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), catalogPath: catalogWithHook() });
  handle.cloud.iam.onDecision((d) => decisions.push(d));
  handle.cloud.lambda.register({ name: 'canary-smoke', timeoutSeconds: 30, handler: canarySmoke });
  for (const service of ['linear', 'canary', 'allatonce', 'rolling', 'bluegreen']) {
    const digest = push(handle, service, 'v2', 'healthy');
    if (service === 'bluegreen') {
      let id: string | undefined;
      await until(async () => {
        const [deployment] = await handle.clients.deployments.listByService(service, 1);
        id = deployment?.approval?.token === undefined ? undefined : deployment.deploymentId;
        return id !== undefined;
      }, 'bluegreen to ask for approval');
      expect((await api('POST', `/deployments/${id}/approve`, { reason: 'iam test' })).status).toBe(200);
    }
    expect((await finished(handle, service, digest)).status).toBe('SUCCEEDED');
  }
  // Before the faulty push: its alarm may still fire when the next deployment starts, which
  // would then stop at CheckAlarms, before its hook.
  hookFails = true;
  expect((await finished(handle, 'canary', push(handle, 'canary', 'v3', 'healthy'))).error).toBe('Aborted');
  const [failedHook] = await handle.clients.deployments.listByService('canary', 1);
  expect(failedHook?.reason).toMatchObject({ kind: 'hook', hook: 'BeforeAllowTraffic' });
  hookFails = false;
  expect((await finished(handle, 'canary', push(handle, 'canary', 'v4', 'faulty'))).error).toBe('RolledBack');
  const rollback = await api('POST', '/services/linear/rollback', { reason: 'iam test' });
  expect(rollback.status).toBe(202);
  await until(
    async () => (await api('GET', '/services/linear')).body.deployment === null,
    'the rollback to end',
  );
  expect((await api('GET', '/services/linear/releases')).status).toBe(200);
  expect((await api('GET', '/services/linear/drift')).status).toBe(200);
  // A blue-green deployment aborted while it waits for approval, and its metrics read.
  push(handle, 'bluegreen', 'v4', 'healthy');
  let waiting: string | undefined;
  await until(async () => {
    const [deployment] = await handle.clients.deployments.listByService('bluegreen', 1);
    waiting = deployment?.approval?.token === undefined ? undefined : deployment.deploymentId;
    return waiting !== undefined;
  }, 'bluegreen v4 to ask for approval');
  expect((await api('GET', `/deployments/${waiting}/metrics`)).status).toBe(200);
  expect((await api('POST', `/deployments/${waiting}/abort`, { reason: 'iam test' })).status).toBe(200);
  // The scheduled checks run at start and every few simulated minutes.
  await until(
    () =>
      decisions.some((d) => d.principal.fn === 'check-drift') &&
      decisions.some((d) => d.principal.fn === 'recover-orphans'),
    'the scheduled checks to run',
  );
}, 240_000);

afterAll(async () => {
  await handle?.stop();
});

describe('every function’s role, against what its steps asked for', () => {
  it('allowed every request the deployments made (nothing was denied)', () => {
    expect(
      decisions
        .filter((d) => !d.allowed)
        .map((d) => `${d.principal.fn}: ${d.authorization.action} ${d.authorization.resource}`),
    ).toEqual([]);
  });

  it('grants no action that no step needs: without each, a recorded request of that step is denied', () => {
    const unneeded: string[] = [];
    const needed = new Map<string, string>();
    for (const [fn, role] of handle.cloud.iam.roles()) {
      const asked = decisions.filter((d) => d.principal.fn === fn && d.allowed).map((d) => d.authorization);
      for (const [i, statement] of role.entries()) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of [statement.Action ?? []].flat().filter(checked)) {
          const without: Statement[] = role.map((s, j) =>
            j === i ? { ...s, Action: [s.Action ?? []].flat().filter((a) => a !== action) } : s,
          );
          const denied = asked.filter((a) => evaluate(without, a).effect !== 'Allow');
          const key = `${fn} ${action}`;
          if (denied.length > 0) needed.set(key, `${denied[0]!.action} on ${denied[0]!.resource}`);
          else if (!Object.hasOwn(NOT_EXERCISED, key) && !needed.has(key)) unneeded.push(key);
        }
      }
    }
    expect(unneeded).toEqual([]);
    // The permissions issue 12 fixed are among the ones a step needs.
    expect(needed.get('create-task-set ecs:CreateTaskSet')).toMatch(/task-set\/scenarios\//);
    expect(needed.get('promote ecs:UpdateServicePrimaryTaskSet')).toMatch(/:service\/scenarios\//);
    expect(needed.get('clean-up ecs:DescribeServices')).toMatch(/:service\/scenarios\//);
    expect(needed.get('check-alarms cloudwatch:DescribeAlarms')).toBe('cloudwatch:DescribeAlarms on *');
    expect(needed.get('create-task-set iam:PassRole')).toMatch(/:role\//);
  });

  it('lists no exercised permission as unexercised', () => {
    const exercised = new Set(decisions.map((d) => `${d.principal.fn} ${d.authorization.action}`));
    const listed = Object.keys(NOT_EXERCISED).filter((key) => !Object.hasOwn(BY_TIMING, key));
    expect(listed.filter((key) => exercised.has(key))).toEqual([]);
  });
});

// IAM on the local cloud, end to end: every deployment here runs with each function held to
// its own role, as computed from serverless.yml. For each permission that was wrong before
// the local cloud enforced IAM (none of them failed a test then), the role is put back as it
// was, and the step that needs it fails with AccessDenied, naming the action and the resource.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Statement } from '../../local/iam/policy.js';
import { freePort } from '../../harness/emulators.js';
import { sigV4Authorization } from '../support/local-server.js';
import { finished, push, startCloud, weights, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort() });
});

afterAll(async () => {
  await handle?.stop();
});

/** The function's statements with `change` applied to a copy of each. */
function rewrite(fn: string, change: (statement: Statement) => Statement | null): Statement[] {
  const role = handle.cloud.iam.principalOf(fn);
  return role.statements.flatMap((s) => change(structuredClone(s)) ?? []);
}

/** Runs a healthy push of `service` with `fn`'s statements replaced; returns the ended execution. */
async function deployWith(fn: string, statements: Statement[], service = 'linear', tag = 'v2') {
  const restore = handle.cloud.iam.replaceStatements(fn, statements);
  try {
    return await finished(handle, service, push(handle, service, tag, 'healthy'));
  } finally {
    restore();
  }
}

const actions = (s: Statement) => [s.Action ?? []].flat();

describe('the permissions that were wrong before the local cloud enforced IAM', () => {
  it('create-task-set: ecs:CreateTaskSet granted on the service (as it was) is denied, as CreateTaskSet needs task-set ARNs', async () => {
    const asBefore = rewrite('create-task-set', (s) =>
      actions(s).includes('ecs:CreateTaskSet')
        ? { ...s, Resource: 'arn:aws:ecs:us-east-1:000000000000:service/scenarios/linear' }
        : s,
    );
    const execution = await deployWith('create-task-set', asBefore, 'linear', 'v2');
    expect(execution.status).toBe('FAILED');
    expect(execution.cause).toMatch(
      /assumed-role\/cutover-local-create-task-set-[^ ]+ is not authorized to perform: ecs:CreateTaskSet on resource: arn:aws:ecs:us-east-1:000000000000:task-set\/scenarios\/linear\/ecs-svc\/\d+/,
    );
  });

  it('promote: ecs:UpdateServicePrimaryTaskSet granted on task sets (as it was) is denied, as it needs the service', async () => {
    const asBefore = rewrite('promote', (s) =>
      actions(s).includes('ecs:UpdateServicePrimaryTaskSet')
        ? { ...s, Resource: 'arn:aws:ecs:us-east-1:000000000000:task-set/scenarios/linear/*' }
        : s,
    );
    const before = await weights(handle, 'linear');
    const execution = await deployWith('promote', asBefore, 'linear', 'v3');
    expect(execution.status).toBe('FAILED');
    expect(execution.cause).toContain(
      'is not authorized to perform: ecs:UpdateServicePrimaryTaskSet on resource: arn:aws:ecs:us-east-1:000000000000:service/scenarios/linear',
    );
    // Production is back where it was: the failed promotion rolled back.
    expect(await weights(handle, 'linear')).toEqual(before);
  });

  it('clean-up: without ecs:DescribeServices (as it was) the old task set cannot be listed', async () => {
    const asBefore = rewrite('clean-up', (s) => (actions(s).includes('ecs:DescribeServices') ? null : s));
    const execution = await deployWith('clean-up', asBefore, 'linear', 'v4');
    expect(execution.error).toBe('CleanUpFailed');
    expect(execution.cause).toContain('is not authorized to perform: ecs:DescribeServices');
  });

  it('check-alarms: cloudwatch:DescribeAlarms on the alarms by name (as it was) is denied, as composite alarms need *', async () => {
    const asBefore = rewrite('check-alarms', (s) =>
      actions(s).includes('cloudwatch:DescribeAlarms')
        ? { ...s, Resource: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:linear-5xx-rate' }
        : s,
    );
    const execution = await deployWith('check-alarms', asBefore, 'linear', 'v5');
    expect(execution.status).toBe('FAILED');
    expect(execution.cause).toContain(
      'is not authorized to perform: cloudwatch:DescribeAlarms on resource: * because no identity-based policy allows',
    );
  });

  it('create-task-set: iam:PassRole is granted on the catalog’s roles only, so another role is denied', async () => {
    const elsewhere = rewrite('create-task-set', (s) =>
      actions(s).includes('iam:PassRole')
        ? { ...s, Resource: 'arn:aws:iam::000000000000:role/someone-else' }
        : s,
    );
    const execution = await deployWith('create-task-set', elsewhere, 'linear', 'v6');
    expect(execution.status).toBe('FAILED');
    expect(execution.cause).toContain(
      'is not authorized to perform: iam:PassRole on resource: arn:aws:iam::000000000000:role/linear-task',
    );
  });

  it('with every role as serverless.yml has it, the same deployment is promoted', async () => {
    const execution = await finished(handle, 'linear', push(handle, 'linear', 'v7', 'healthy'));
    expect(execution.status).toBe('SUCCEEDED');
  });
});

describe('what a browser could send to the local AWS endpoint', () => {
  const modifyRule = () => {
    const rule = handle.catalog.services.linear!.traffic.productionListenerRule;
    const [blue] = handle.catalog.services.linear!.traffic.targetGroups;
    return new URLSearchParams({
      Action: 'ModifyRule',
      Version: '2015-12-01',
      RuleArn: rule,
      'Actions.member.1.Type': 'forward',
      'Actions.member.1.TargetGroupArn': blue,
    }).toString();
  };

  it('refuses a cross-site text/plain POST with 403 and changes nothing', async () => {
    const before = await weights(handle, 'linear');
    const response = await fetch(handle.cloud.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: modifyRule(),
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('MissingAuthenticationToken');
    expect(await weights(handle, 'linear')).toEqual(before);
  });

  it('refuses a request with an Origin header with 403, even signed', async () => {
    const response = await fetch(handle.cloud.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: sigV4Authorization('elasticloadbalancing'),
        origin: 'https://attacker.example',
      },
      body: modifyRule(),
    });
    expect(response.status).toBe(403);
  });

  it('refuses a Host that is not a loopback name with 421 (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(handle.cloud.endpoint, {
        method: 'POST',
        headers: {
          host: 'rebound.attacker.example',
          'content-type': 'application/x-www-form-urlencoded',
          authorization: sigV4Authorization('elasticloadbalancing'),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(modifyRule());
    });
    expect(status).toBe(421);
  });
});

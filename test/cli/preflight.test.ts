// `cutover preflight` against a real local cloud running the demo catalog: it passes as the
// demo starts, then names each problem planted one at a time (and passes again once it is put
// back). IAM is served beside the cloud's own services on one endpoint, with the demo stack's
// per-function roles, as the local cloud's endpoint serves them.

import { DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeRulesCommand,
  ModifyRuleCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../../cli/catalog-file.js';
import { main } from '../../cli/main.js';
import { IAM_API_VERSION, IAM_NAMESPACE, LocalIamService } from '../../local/aws/iam.js';
import { ELBV2_API_VERSION, ELBV2_NAMESPACE } from '../../local/aws/elbv2.js';
import type { Routes } from '../../local/aws/server.js';
import { FUNCTION_NAMES } from '../../local/functions.js';
import { functionRoleNames, LOCAL_STAGE } from '../../shared/domain/stack-names.js';
import type { PreflightProblem, PreflightReport } from '../../shared/engine/preflight.js';
import { capture } from '../support/cli.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, type CloudHandle } from '../../harness/local-cloud.js';
import { serve, type RunningServer } from '../support/local-server.js';

const ROLES = Object.values(functionRoleNames(FUNCTION_NAMES, { stage: LOCAL_STAGE, region: 'us-east-1' }));
const ACCOUNT = '000000000000';

let handle: CloudHandle;
let endpoint: RunningServer;
let routes: Partial<Routes> & { query: Routes['query'] };

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), catalogPath: DEMO_CATALOG });
  const { cloud } = handle;
  routes = {
    json: {
      AmazonEC2ContainerServiceV20141113: {
        service: cloud.ecs.service,
        contentType: 'application/x-amz-json-1.1',
      },
      GraniteServiceVersion20100801: {
        service: cloud.cloudwatch.service,
        contentType: 'application/x-amz-json-1.0',
        queryCompatible: true,
      },
    },
    query: {
      [ELBV2_API_VERSION]: { service: cloud.elb.service, namespace: ELBV2_NAMESPACE },
      [IAM_API_VERSION]: {
        service: new LocalIamService({ account: ACCOUNT, roles: ROLES }).service,
        namespace: IAM_NAMESPACE,
      },
    },
  };
  endpoint = await serve(routes);
}, 60_000);

afterAll(async () => {
  await endpoint?.close();
  await handle?.stop();
});

async function preflight(...args: string[]) {
  const io = capture(true);
  const code = await main(
    ['preflight', ...args, '--endpoint', endpoint.endpoint, '--catalog', DEMO_CATALOG, '--json'],
    io,
  );
  const report = JSON.parse(io.stdout.join('\n')) as PreflightReport & { error?: { message: string } };
  // A run that could not report (an error instead of findings) fails here, saying why.
  expect(report.error).toBeUndefined();
  return { code, report };
}

function problems(report: PreflightReport): (PreflightProblem & { service: string })[] {
  return [
    ...report.services.flatMap((s) => s.problems.map((p) => ({ ...p, service: s.service }))),
    ...report.stack.problems.map((p) => ({ ...p, service: '(stack)' })),
  ];
}

/** Changes the local ECS's state as an operator outside Cutover would; returns the undo. */
function changeEcs(change: (state: ReturnType<CloudHandle['cloud']['ecs']['snapshot']>) => void): void {
  const state = handle.cloud.ecs.snapshot();
  change(state);
  handle.cloud.ecs.restore(state);
}

async function ruleActions(service: string): Promise<{ rule: string; actions: Action[] }> {
  const rule = handle.catalog.services[service]!.traffic.productionListenerRule;
  const described = await handle.clients.elb.send(new DescribeRulesCommand({ RuleArns: [rule] }));
  return { rule, actions: described.Rules![0]!.Actions! };
}

/** Makes the service's production rule forward to its stable target group only; returns the undo. */
async function forwardToStableOnly(
  service: string,
): Promise<{ stable: string; idle: string; undo: () => Promise<void> }> {
  const { rule, actions } = await ruleActions(service);
  const groups = actions[0]!.ForwardConfig!.TargetGroups!;
  const stable = groups.find((g) => g.Weight === 100)!.TargetGroupArn!;
  const idle = groups.find((g) => g.Weight === 0)!.TargetGroupArn!;
  await handle.clients.elb.send(
    new ModifyRuleCommand({ RuleArn: rule, Actions: [{ Type: 'forward', TargetGroupArn: stable }] }),
  );
  return {
    stable,
    idle,
    undo: async () => {
      await handle.clients.elb.send(new ModifyRuleCommand({ RuleArn: rule, Actions: actions }));
    },
  };
}

describe('cutover preflight on the local cloud', () => {
  it('passes on the demo', async () => {
    const { code, report } = await preflight();
    expect(problems(report)).toEqual([]);
    expect(code).toBe(0);
    expect(report.services.map((s) => s.service)).toEqual(['web', 'api', 'shop']);
    expect(report.stack).toMatchObject({ stage: 'local', region: 'us-east-1', roles: FUNCTION_NAMES.length });
    // web's smoke-test hook is the one thing not checked: the local Lambda answers Invoke alone.
    expect(report.services.flatMap((s) => s.notChecked)).toEqual([
      { check: 'hooks', reason: 'not checked on the local cloud, whose Lambda answers Invoke alone' },
    ]);
  });

  it('passes on the demo through the local cloud’s own endpoint, which serves IAM beside the rest', async () => {
    const io = capture(true);
    const code = await main(
      ['preflight', '--endpoint', handle.cloud.endpoint, '--catalog', DEMO_CATALOG, '--json'],
      io,
    );
    const report = JSON.parse(io.stdout.join('\n')) as PreflightReport;
    expect(problems(report)).toEqual([]);
    expect(code).toBe(0);
  });

  it('prints each service and the stack, and says nothing was found', async () => {
    const io = capture();
    const code = await main(
      ['preflight', 'web', '--endpoint', endpoint.endpoint, '--catalog', DEMO_CATALOG],
      io,
    );
    expect(code).toBe(0);
    expect(io.stdout[0]).toBe(`Preflight on the local cloud at ${endpoint.endpoint}, reading only:`);
    expect(io.stdout).toContain('✓ web');
    expect(io.stdout).toContain(
      `✓ stack: the ${FUNCTION_NAMES.length} function roles of stage local in us-east-1`,
    );
    expect(io.stdout.at(-1)).toBe('No problems found.');
  });

  it('names a service with the ECS deployment controller, with the fix', async () => {
    const set = (type: 'ECS' | 'EXTERNAL') =>
      changeEcs((state) => {
        state.services.find((s) => s.serviceName === 'api')!.deploymentController = { type };
      });
    set('ECS');
    try {
      const { code, report } = await preflight();
      expect(code).toBe(1);
      expect(problems(report)).toEqual([
        {
          service: 'api',
          check: 'deployment-controller',
          message:
            'ECS service api in cluster demo uses the ECS deployment controller; Cutover needs EXTERNAL',
          fix: 'recreate the service with deploymentController.type=EXTERNAL',
        },
      ]);
      const io = capture();
      expect(
        await main(['preflight', 'api', '--endpoint', endpoint.endpoint, '--catalog', DEMO_CATALOG], io),
      ).toBe(1);
      expect(io.stdout.slice(1)).toEqual([
        '✗ api',
        '  - deployment-controller: ECS service api in cluster demo uses the ECS deployment controller; Cutover needs EXTERNAL',
        '    fix: recreate the service with deploymentController.type=EXTERNAL',
        `✓ stack: the ${FUNCTION_NAMES.length} function roles of stage local in us-east-1`,
        '1 problem found.',
      ]);
    } finally {
      set('EXTERNAL');
    }
    expect((await preflight()).code).toBe(0);
  });

  it('names a production rule that forwards to one target group only', async () => {
    // api's test listener rule still forwards to both, so both stay attached to the load balancer.
    const { stable, undo } = await forwardToStableOnly('api');
    try {
      const { code, report } = await preflight('api');
      expect(code).toBe(1);
      const found = problems(report);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ service: 'api', check: 'listener-rule' });
      expect(found[0]!.message).toBe(
        `the production listener rule of api forwards to ${stable.split('/').at(-2)}, not to api-blue and api-green`,
      );
      expect(found[0]!.fix).toMatch(/^make it forward to both target groups, .* idle one at weight 0/);
    } finally {
      await undo();
    }
    expect((await preflight('api')).code).toBe(0);
  });

  it('names a target group that is not attached to the load balancer', async () => {
    // Once the production rule and the test listener rule drop it, web's idle group is on no load balancer.
    const { stable, idle, undo } = await forwardToStableOnly('web');
    const testRule = handle.catalog.services.web!.traffic.testListenerRule!;
    const described = await handle.clients.elb.send(new DescribeRulesCommand({ RuleArns: [testRule] }));
    await handle.clients.elb.send(
      new ModifyRuleCommand({ RuleArn: testRule, Actions: [{ Type: 'forward', TargetGroupArn: stable }] }),
    );
    try {
      const { code, report } = await preflight('web');
      expect(code).toBe(1);
      const attachment = problems(report).find((p) => p.check === 'target-groups');
      expect(attachment).toEqual({
        service: 'web',
        check: 'target-groups',
        message: `target group ${idle.split('/').at(-2)} of web is not attached to any load balancer; ECS puts a task set only behind a target group its load balancer forwards to`,
        fix: 'forward to it from the production listener rule (at weight 0 while idle)',
      });
    } finally {
      await undo();
      await handle.clients.elb.send(
        new ModifyRuleCommand({ RuleArn: testRule, Actions: described.Rules![0]!.Actions! }),
      );
    }
  });

  it('names a task definition family with no ACTIVE revision', async () => {
    const mark = (status: 'ACTIVE' | 'INACTIVE') =>
      changeEcs((state) => {
        for (const d of state.definitions) if (d.family === 'web') d.status = status;
      });
    mark('INACTIVE');
    try {
      const { code, report } = await preflight();
      expect(code).toBe(1);
      expect(problems(report)).toEqual([
        expect.objectContaining({
          service: 'web',
          check: 'task-definition',
          message:
            'task definition family web, which ECS service web in cluster demo runs, has no ACTIVE revision (all deregistered)',
        }),
      ]);
      expect(problems(report)[0]!.fix).toMatch(
        /^register a revision of family web \(aws ecs register-task-definition/,
      );
    } finally {
      mark('ACTIVE');
    }
  });

  it('names a missing role of the stack, and a wrong stage as no roles at all', async () => {
    const missing = ROLES.find((r) => r.includes('-promote-'))!;
    const full = routes.query[IAM_API_VERSION]!;
    routes.query[IAM_API_VERSION] = {
      service: new LocalIamService({ account: ACCOUNT, roles: ROLES.filter((r) => r !== missing) }).service,
      namespace: IAM_NAMESPACE,
    };
    try {
      const { code, report } = await preflight();
      expect(code).toBe(1);
      expect(problems(report)).toEqual([
        {
          service: '(stack)',
          check: 'roles',
          message: `role ${missing}, which function promote runs as, does not exist`,
          fix: 'deploy the stack (CUTOVER_CATALOG=<catalog> npx osls deploy --stage local --region us-east-1), or pass the --stage and --region it was deployed with',
        },
      ]);
    } finally {
      routes.query[IAM_API_VERSION] = full;
    }
    const { code, report } = await preflight('--stage', 'prod');
    expect(code).toBe(1);
    expect(problems(report).map((p) => p.message)).toEqual([
      `none of the stack's ${FUNCTION_NAMES.length} function roles exist (e.g. cutover-prod-validate-input-us-east-1-lambdaRole), so the stack is not deployed with stage prod in us-east-1`,
    ]);
  });

  // Last: the demo's alarm is not put back.
  it('names a watched alarm that does not exist', async () => {
    await handle.clients.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['web-5xx-rate'] }));
    const { code, report } = await preflight();
    expect(code).toBe(1);
    expect(problems(report)).toEqual([
      {
        service: 'web',
        check: 'alarms',
        message: 'the watched alarm web-5xx-rate does not exist, so a deployment could not check it',
        fix: 'the catalog defines it: create it in your stack with that name and the definition in the catalog',
      },
    ]);
  });
});

describe('cutover preflight: usage and input', () => {
  it('exits 2 on a service the catalog does not have', async () => {
    const io = capture();
    const code = await main(
      ['preflight', 'nope', '--catalog', DEMO_CATALOG, '--endpoint', endpoint.endpoint],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/no service "nope" in .*demo-catalog.yml; it has: web, api/);
  });

  it('exits 2 on a bad catalog, listing its problems', async () => {
    const broken = new URL('../fixtures/catalog/broken.yml', import.meta.url).pathname;
    const io = capture();
    expect(await main(['preflight', '--catalog', broken], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/broken.yml has \d+ problems/);
  });

  it('exits 2 on --aws with --endpoint, or two services', async () => {
    expect(await main(['preflight', '--aws', '--endpoint', 'http://127.0.0.1:1'], capture())).toBe(2);
    expect(await main(['preflight', 'web', 'api', '--catalog', DEMO_CATALOG], capture())).toBe(2);
  });

  it('exits 1, saying what to start, when no endpoint answers', async () => {
    const io = capture();
    const port = await freePort();
    const code = await main(
      ['preflight', '--catalog', DEMO_CATALOG, '--endpoint', `http://127.0.0.1:${port}`],
      io,
    );
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toContain(
      `no AWS endpoint answers at http://127.0.0.1:${port}; start the local cloud with npm start`,
    );
  });
});

// The preflight use case over small in-memory inventories: what the local cloud cannot show
// (hook functions, refused reads, an account with nothing in it), on the example catalog.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { preflight, type PreflightDeps } from '../../shared/engine/preflight.js';
import { ReadRefused } from '../../shared/aws/errors.js';
import type { EcsServiceFacts, Route } from '../../shared/ports/inventory.js';

const catalog = parseCatalog(readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8'));
const web = catalog.services.web!;
const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod/50dc6c495c0c9188';
const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7';

/** An account that holds everything web needs; each test takes one thing away. */
function account(
  overrides: Partial<PreflightDeps> = {},
  world: { services?: Record<string, EcsServiceFacts | null>; route?: Route } = {},
): PreflightDeps {
  const [blue, green] = web.traffic.targetGroups;
  return {
    ecs: {
      service: (ref) =>
        Promise.resolve(
          world.services && ref.service in world.services
            ? world.services[ref.service]!
            : { deploymentController: 'EXTERNAL', primaryTaskDefinitionArn: TD },
        ),
      family: () => Promise.resolve({ family: 'web', active: true }),
    },
    loadBalancers: {
      route: () =>
        Promise.resolve(
          world.route ?? {
            forwards: [
              { targetGroupArn: blue, weight: 100 },
              { targetGroupArn: green, weight: 0 },
            ],
          },
        ),
      attachments: (arns) => Promise.resolve(new Map(arns.map((arn) => [arn, [LB]]))),
    },
    alarms: { existing: (names) => Promise.resolve(new Set(names)) },
    functions: { exists: () => Promise.resolve(true) },
    roles: { exists: () => Promise.resolve(true) },
    ...overrides,
  };
}

const input = {
  catalog,
  services: ['web'],
  stack: {
    stage: 'prod',
    region: 'us-east-1',
    roleNames: { promote: 'cutover-prod-promote-us-east-1-lambdaRole' },
  },
};

describe('preflight', () => {
  it('finds nothing in an account that holds everything', async () => {
    const report = await preflight(account(), input);
    expect(report).toEqual({
      ok: true,
      services: [{ service: 'web', problems: [], notChecked: [] }],
      stack: { stage: 'prod', region: 'us-east-1', roles: 1, problems: [], notChecked: [] },
    });
  });

  it('names a hook function that does not exist', async () => {
    const report = await preflight(
      account({ functions: { exists: (fn) => Promise.resolve(fn !== 'web-smoke-test') } }),
      input,
    );
    expect(report.ok).toBe(false);
    expect(report.services[0]!.problems).toEqual([
      {
        check: 'hooks',
        message: "the BeforeAllowTraffic hook's function web-smoke-test does not exist",
        fix: 'deploy it, or fix hooks.BeforeAllowTraffic in the catalog',
      },
    ]);
  });

  it('says why hooks were not checked when Lambda cannot be asked, and still passes', async () => {
    const report = await preflight(account({ functions: null }), {
      ...input,
      functionsNotChecked: 'no Lambda here',
    });
    expect(report.ok).toBe(true);
    expect(report.services[0]!.notChecked).toEqual([{ check: 'hooks', reason: 'no Lambda here' }]);
    // A service with no hooks has nothing left unchecked.
    const worker = await preflight(account({ functions: null }), { ...input, services: ['worker'] });
    expect(worker.services[0]!.notChecked).toEqual([]);
  });

  it('turns a refused read into a problem naming the permission, and checks the rest', async () => {
    const refused = new ReadRefused(
      'cloudwatch:DescribeAlarms',
      'cloudwatch:DescribeAlarms on web-5xx-rate was refused',
    );
    const report = await preflight(
      account({ alarms: { existing: () => Promise.reject(refused) } }, { services: { web: null } }),
      input,
    );
    expect(report.services[0]!.problems.map((p) => [p.check, p.fix])).toEqual([
      [
        'ecs-service',
        'create it with deploymentController.type=EXTERNAL, or fix services.web.ecs in the catalog',
      ],
      ['alarms', 'allow cloudwatch:DescribeAlarms to whoever runs preflight, then run it again'],
    ]);
  });

  it('lets any other failure through: the account could not be read at all', async () => {
    const down = new Error('connect ECONNREFUSED');
    await expect(preflight(account({ roles: { exists: () => Promise.reject(down) } }), input)).rejects.toBe(
      down,
    );
  });

  it('names an EXTERNAL service with no PRIMARY task set', async () => {
    const report = await preflight(
      account(
        {},
        { services: { web: { deploymentController: 'EXTERNAL', primaryTaskDefinitionArn: null } } },
      ),
      input,
    );
    expect(report.services[0]!.problems).toEqual([
      expect.objectContaining({
        check: 'task-definition',
        message:
          'ECS service web in cluster prod has no PRIMARY task set, so there is no running release to replace',
      }),
    ]);
  });

  it('names a rule that sends traffic to both target groups at rest', async () => {
    const [blue, green] = web.traffic.targetGroups;
    const route = {
      forwards: [
        { targetGroupArn: blue, weight: 60 },
        { targetGroupArn: green, weight: 40 },
      ],
    };
    const report = await preflight(account({}, { route }), input);
    expect(report.services[0]!.problems.map((p) => p.message)).toEqual([
      'the production listener rule of web sends traffic to both target groups (web-blue 60, web-green 40); at rest the idle one has weight 0',
    ]);
  });

  it('names a target group attached to another load balancer than the rule\u2019s', async () => {
    const other =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/0123456789abcdef';
    const report = await preflight(
      account({
        loadBalancers: {
          ...account().loadBalancers,
          attachments: (arns) => Promise.resolve(new Map(arns.map((a, i) => [a, i === 0 ? [LB] : [other]]))),
        },
      }),
      input,
    );
    expect(report.services[0]!.problems.map((p) => p.message)).toEqual([
      `target group web-green of web is not attached to the production rule's load balancer (it is on ${other}); ECS puts a task set only behind a target group its load balancer forwards to`,
    ]);
  });
});

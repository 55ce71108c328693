import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogProblems } from '../support/catalog-problems.js';
import { getService } from '../../shared/domain/catalog.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { CatalogInvalid } from '../../shared/domain/errors.js';
import { serviceSchema } from '../../shared/domain/catalog-schema.js';

const example = readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8');
const broken = readFileSync(new URL('../fixtures/catalog/broken.yml', import.meta.url), 'utf8');

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup';
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/prod/1a2b3c/4d5e6f';
const CONNECTION =
  'arn:aws:events:us-east-1:123456789012:connection/web-smoke/6f1e2d3c-aaaa-4bbb-8ccc-0123456789ab';

/** A minimal valid service in YAML; each line of `overrides` replaces or adds one field. */
function catalogWith(overrides: string, name = 'web', id = '1'): string {
  const fields = new Map([
    ['ecs', `{ cluster: prod, service: ${name}, container: app }`],
    [
      'traffic',
      `{ productionListenerRule: ${RULE}/${id}, targetGroups: [${TG}/${name}-a/${id}a, ${TG}/${name}-b/${id}b] }`,
    ],
    ['strategy', 'all-at-once'],
    ['images', `{ repositories: [${name}] }`],
  ]);
  for (const line of overrides.split('\n').filter(Boolean)) {
    const [key, ...rest] = line.split(':');
    fields.set(key!.trim(), rest.join(':').trim());
  }
  const body = [...fields].map(([key, value]) => `    ${key}: ${value}`).join('\n');
  return `version: 1\nservices:\n  ${name}:\n${body}\n`;
}

describe('the example catalog', () => {
  it('parses, with defaults filled in', () => {
    const catalog = parseCatalog(example);
    expect(Object.keys(catalog.services)).toEqual(['web', 'api', 'worker']);
    const api = getService(catalog, 'api')!;
    expect(api.approval).toEqual({ required: true, timeoutSeconds: 86400, separateApprover: false });
    expect(api.images.tagFilter).toBe('.*');
    expect(api.hookTimeoutSeconds).toBe(300);
    expect(getService(catalog, 'web')!.analysis.metrics![1]).toMatchObject({
      name: 'latency-p99',
      allowedIncrease: 1.2,
      critical: false,
    });
  });

  it('finds no service that is not declared, even one named like an object property', () => {
    const catalog = parseCatalog(example);
    expect(getService(catalog, 'nope')).toBeUndefined();
    expect(getService(catalog, 'constructor')).toBeUndefined();
    expect(getService(catalog, '__proto__')).toBeUndefined();
  });
});

describe('a broken catalog', () => {
  it('reports every problem, each with its path', () => {
    expect(catalogProblems(broken)).toEqual([
      { path: 'services.web.ecs.container', message: 'is required' },
      {
        path: 'services.web.traffic.targetGroups[1]',
        message: expect.stringContaining('must be a target group ARN'),
      },
      { path: 'services.web.bakeSeconds', message: expect.stringMatching(/>=0/) },
      { path: 'services.web.images.repositories[0]', message: expect.stringContaining('lowercase') },
      { path: 'services.api.images.tagFilter', message: 'must be a valid regular expression' },
      { path: 'services.api', message: 'unknown field "aproval"; check the spelling' },
      { path: 'services.web.schedule.steps[2].weight', message: 'must be greater than the previous step' },
      { path: 'services.api.preset', message: expect.stringContaining('does not fit strategy linear') },
      { path: 'services.api.hooks.AfterAllowTestTraffic', message: 'needs traffic.testListenerRule' },
    ]);
  });

  it('throws CatalogInvalid whose message lists the problems one per line', () => {
    expect(() => parseCatalog(broken)).toThrow(CatalogInvalid);
    expect(() => parseCatalog(broken)).toThrow(
      /services\.web\.schedule\.steps\[2\]\.weight: must be greater than the previous step/,
    );
  });
});

describe('catalog rules', () => {
  it('takes alarms by name, or with a definition Cutover creates, and parses its own output again', () => {
    const entry = parseCatalog(
      catalogWith('alarms: [web-errors, { name: web-5xx-rate, metric: error-rate, threshold: 2 }]'),
    ).services.web!;
    expect(entry.alarms).toEqual([
      { name: 'web-errors' },
      {
        name: 'web-5xx-rate',
        metric: 'error-rate',
        threshold: 2,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 60,
        evaluationPeriods: 1,
        treatMissingData: 'notBreaching',
      },
    ]);
    expect(serviceSchema.parse(entry)).toEqual(entry);
  });

  it('accepts the minimal service', () => {
    expect(parseCatalog(catalogWith('')).services.web!.strategy).toBe('all-at-once');
  });

  it('takes a hook as a Lambda function or as a webhook: https, or http to localhost for the local cloud', () => {
    for (const url of [
      'https://smoke.example.com/check?team=web',
      'http://localhost:8080/smoke',
      'http://127.0.0.1/x',
    ]) {
      const entry = parseCatalog(
        catalogWith(
          `hooks: { BeforeAllowTraffic: { url: '${url}', connection: '${CONNECTION}' }, AfterAllowTraffic: smoke-fn }`,
        ),
      ).services.web!;
      expect(entry.hooks).toEqual({
        BeforeAllowTraffic: { url, connection: CONNECTION },
        AfterAllowTraffic: 'smoke-fn',
      });
    }
  });

  it('takes four eyes only with approval: separateApprover is off unless set', () => {
    expect(parseCatalog(catalogWith('')).services.web!.approval.separateApprover).toBe(false);
    const fourEyes = catalogWith('approval: { required: true, separateApprover: true }');
    expect(parseCatalog(fourEyes).services.web!.approval).toEqual({
      required: true,
      timeoutSeconds: 3600,
      separateApprover: true,
    });
  });

  it.each([
    ['strategy: canary', 'services.web.preset', 'needs a preset'],
    ['strategy: rolling\npreset: AllAtOnce', 'services.web.preset', 'takes no traffic schedule'],
    ['preset: AllAtOnce\nschedule: { type: all-at-once }', 'services.web.schedule', 'not both'],
    [
      'strategy: linear\nschedule: { type: canary, steps: [{ weight: 100 }] }',
      'services.web.schedule.type',
      'linear',
    ],
    [
      'strategy: linear\nschedule: { type: linear, percentage: 0, intervalSeconds: 60 }',
      'services.web.schedule.percentage',
      '1 to 99',
    ],
    ['preset: Linear10PercentEvery9Minutes', 'services.web.preset', 'expected one of'],
    ['strategy: sideways', 'services.web.strategy', 'expected one of'],
    ['hooks: { BeforeInstall: fn }', 'services.web.hooks', 'unknown field "BeforeInstall"'],
    [
      'hooks: { BeforeAllowTraffic: "not a function!" }',
      'services.web.hooks.BeforeAllowTraffic',
      'Lambda function',
    ],
    [
      `hooks: { BeforeAllowTraffic: { url: 'http://smoke.example.com/check', connection: '${CONNECTION}' } }`,
      'services.web.hooks.BeforeAllowTraffic.url',
      'must be an https URL (http only to localhost',
    ],
    [
      `hooks: { BeforeAllowTraffic: { url: 'https://me:secret@smoke.example.com/', connection: '${CONNECTION}' } }`,
      'services.web.hooks.BeforeAllowTraffic.url',
      'must not hold credentials',
    ],
    [
      "hooks: { BeforeAllowTraffic: { url: 'https://smoke.example.com/', connection: smoke } }",
      'services.web.hooks.BeforeAllowTraffic.connection',
      'EventBridge connection ARN',
    ],
    [
      "hooks: { BeforeAllowTraffic: { url: 'https://smoke.example.com/' } }",
      'services.web.hooks.BeforeAllowTraffic.connection',
      'is required',
    ],
    ['alarms: [a, b, a]', 'services.web.alarms[2]', 'listed twice'],
    ['alarms: [a, { name: a, metric: error-rate, threshold: 2 }]', 'services.web.alarms[1]', 'listed twice'],
    [
      'alarms: [{ name: e, metric: error-rate, threshold: 2, evaluationPeriods: 2, datapointsToAlarm: 3 }]',
      'services.web.alarms[0].datapointsToAlarm',
      'not be more than evaluationPeriods',
    ],
    [
      'alarms: [{ name: e, metric: error-rate, threshold: 2, periodSeconds: 45 }]',
      'services.web.alarms[0].periodSeconds',
      '10, 30 or a multiple of 60',
    ],
    ['approval: { required: true, timeoutSeconds: 10 }', 'services.web.approval.timeoutSeconds', '>=60'],
    ['approval: { separateApprover: true }', 'services.web.approval.separateApprover', 'approval.required'],
    [
      `strategy: rolling\ntraffic: { productionListenerRule: ${RULE}/1, testListenerRule: ${RULE}/2, targetGroups: [${TG}/a/1, ${TG}/b/1] }`,
      'services.web.traffic.testListenerRule',
      'rolling has no test-traffic step',
    ],
    ['terminationWaitSeconds: 1.5', 'services.web.terminationWaitSeconds', 'expected int'],
    ['rolling: { batchPercent: 0 }', 'services.web.rolling.batchPercent', '>=1'],
    [
      'analysis: { thresholds: { pass: 70, marginal: 80 } }',
      'services.web.analysis.thresholds.marginal',
      'not be above',
    ],
    [
      'analysis: { metrics: [{ name: e, source: { builtin: error-rate } }, { name: e, source: { builtin: latency-p50 } }] }',
      'services.web.analysis.metrics[1].name',
      'listed twice',
    ],
    [
      'analysis: { groupWeights: { default: 60 }, metrics: [{ name: e, source: { builtin: error-rate } }] }',
      'services.web.analysis.groupWeights',
      'add up to 100',
    ],
    [
      'analysis: { metrics: [{ name: e, source: { expression: "m1/m2", inputs: [] } }] }',
      'services.web.analysis.metrics[0].source.inputs',
      '>=1 items',
    ],
    ['analysis: { enabled: true }', 'services.web.analysis.metrics', 'at least one metric'],
    [
      'analysis: { enabled: true, metrics: [{ name: m0, source: { builtin: error-rate } }, { name: m1, source: { builtin: error-rate } }, { name: m2, source: { builtin: error-rate } }, { name: m3, source: { builtin: error-rate } }, { name: m4, source: { builtin: error-rate } }, { name: m5, source: { builtin: error-rate } }, { name: m6, source: { builtin: error-rate } }, { name: m7, source: { builtin: error-rate } }, { name: m8, source: { builtin: error-rate } }, { name: m9, source: { builtin: error-rate } }, { name: m10, source: { builtin: error-rate } }] }',
      'services.web.analysis.metrics',
      'at most 10 metrics (11 here)',
    ],
    [
      'strategy: blue-green\n    bakeSeconds: 600\n    analysis: { enabled: true, method: sequential, metrics: [{ name: e, source: { builtin: error-rate } }] }',
      'services.web.analysis.method',
      'blue-green never does: use canary or linear',
    ],
    ['analysis: { method: sequential, falseFailRate: 0.5 }', 'services.web.analysis.falseFailRate', '<=0.2'],
    [
      'strategy: linear\n    analysis: { enabled: true, baseline: true, method: sequential, metrics: [{ name: e, source: { builtin: error-rate } }] }',
      'services.web.traffic.baselineTargetGroup',
      'name the target group the baseline task set serves from',
    ],
    [
      `strategy: linear\n    traffic: { productionListenerRule: ${RULE}/1, targetGroups: [${TG}/a/1a, ${TG}/b/1b], baselineTargetGroup: ${TG}/b/1b }\n    analysis: { enabled: true, baseline: true, method: sequential, metrics: [{ name: e, source: { builtin: error-rate } }] }`,
      'services.web.traffic.baselineTargetGroup',
      'must differ from both traffic.targetGroups',
    ],
    [
      `strategy: blue-green\n    bakeSeconds: 600\n    traffic: { productionListenerRule: ${RULE}/1, targetGroups: [${TG}/a/1a, ${TG}/b/1b], baselineTargetGroup: ${TG}/c/1c }\n    analysis: { enabled: true, baseline: true, metrics: [{ name: e, source: { builtin: error-rate } }] }`,
      'services.web.analysis.baseline',
      'use canary or linear, not blue-green',
    ],
    [
      `strategy: linear\n    traffic: { productionListenerRule: ${RULE}/1, targetGroups: [${TG}/a/1a, ${TG}/b/1b], baselineTargetGroup: ${TG}/c/1c }\n    analysis: { baseline: true }`,
      'services.web.analysis.baseline',
      'needs analysis.enabled: true',
    ],
    [
      'headerStep: { header: X-Canary, values: [always], seconds: 300, rulePriority: 5 }',
      'services.web.headerStep',
      'comes before the weighted steps of canary or linear; all-at-once has none',
    ],
    [
      'strategy: linear\n    headerStep: { header: "X Canary", values: [always], seconds: 300, rulePriority: 5 }',
      'services.web.headerStep.header',
      'must be an HTTP header name',
    ],
    [
      'strategy: linear\n    headerStep: { cookie: canary, value: "a;b", seconds: 300, rulePriority: 5 }',
      'services.web.headerStep.value',
      'must be a cookie value',
    ],
    [
      'strategy: linear\n    headerStep: { header: X-Canary, values: [a, b, c, d, e], seconds: 300, rulePriority: 5 }',
      'services.web.headerStep.values',
      '<=4 items',
    ],
    [
      'strategy: linear\n    headerStep: { header: X-Canary, values: [a], seconds: 300, rulePriority: 0 }',
      'services.web.headerStep.rulePriority',
      '>=1',
    ],
    [
      `traffic: { productionListenerRule: ${RULE}/1, targetGroups: [${TG}/a/1a, ${TG}/b/1b], baselineTargetGroup: ${TG}/c/1c }`,
      'services.web.traffic.baselineTargetGroup',
      'applies only when analysis.baseline is true',
    ],
    [
      'analysis: { metrics: [{ name: e, source: { expression: "m1/m1", inputs: [{ id: m1, namespace: A, metricName: X, stat: Sum }, { id: m1, namespace: A, metricName: Y, stat: Sum }] } }] }',
      'services.web.analysis.metrics[0].source.inputs[1].id',
      'listed twice',
    ],
    [
      'strategy: rolling\n    analysis: { enabled: true, metrics: [{ name: e, source: { builtin: error-rate } }] }',
      'services.web.analysis.enabled',
      'needs canary, linear or blue-green; rolling',
    ],
    [
      'strategy: blue-green\n    bakeSeconds: 300\n    analysis: { enabled: true, metrics: [{ name: e, source: { builtin: error-rate } }] }',
      'services.web.bakeSeconds',
      'at least 480 (5 whole minutes to judge',
    ],
    [
      'strategy: canary\n    preset: Canary10Percent5Minutes\n    analysis: { enabled: true, metrics: [{ name: e, source: { builtin: error-rate } }] }',
      'services.web.preset',
      'which last 300 s here; they need at least 480',
    ],
  ])('%s → %s', (yaml, path, words) => {
    const problems = catalogProblems(catalogWith(yaml));
    const match = problems.find((p) => p.path === path);
    expect(match, JSON.stringify(problems)).toBeDefined();
    expect(match!.message).toContain(words);
  });

  it('rejects a test listener that is the production listener', () => {
    const text = catalogWith('strategy: blue-green').replace(
      'targetGroups',
      `testListenerRule: ${RULE}/1, targetGroups`,
    );
    expect(catalogProblems(text)).toEqual([
      { path: 'services.web.traffic.testListenerRule', message: expect.stringContaining('must differ') },
    ]);
  });

  it('rejects two services that share an ECS service, a listener rule or a target group', () => {
    const one = catalogWith('', 'web', '1');
    const two = catalogWith('', 'api', '1')
      .split('services:\n')[1]!
      .replace('service: api,', 'service: web,');
    const text = one + two.replace(`${TG}/api-a/1a`, `${TG}/web-a/1a`);
    expect(catalogProblems(text)).toEqual([
      { path: 'services.api.ecs.service', message: 'this ECS service is already used by service "web"' },
      { path: 'services.api.traffic.productionListenerRule', message: expect.stringContaining('"web"') },
      {
        path: 'services.api.traffic.targetGroups[0]',
        message: 'this target group is already used by service "web"',
      },
    ]);
  });

  it('rejects a bad service name with a message that says what is allowed', () => {
    const problems = catalogProblems(catalogWith('', 'Web_1'));
    expect(problems[0]).toEqual({
      path: 'services.Web_1',
      message: expect.stringContaining('lowercase letters'),
    });
  });

  it.each([
    ['version: 2\nservices: {}', 'version', 'must be 1'],
    ['version: 1\nservices: {}', 'services', 'at least one service'],
    ['version: 1', 'services', 'is required'],
    ['- a list', '', 'YAML mapping'],
    ['', '', 'YAML mapping'],
    ['version: 1\nversion: 1\nservices: {}', 'line 2, column 1', 'unique'],
    ['version: 1\nservices: {web: [}', 'line 2, column', ''],
  ])('rejects the document %j at "%s"', (text, path, words) => {
    const problems = catalogProblems(text);
    expect(problems[0]!.path).toContain(path);
    expect(problems[0]!.message).toContain(words);
  });
});

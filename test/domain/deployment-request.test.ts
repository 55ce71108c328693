import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { validateDeploymentRequest } from '../../shared/domain/deployment-request.js';
import { DeploymentRequestInvalid } from '../../shared/domain/errors.js';

const catalog = parseCatalog(readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8'));
const DIGEST = `sha256:${'ab12'.repeat(16)}`;
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const valid = { service: 'web', image: `${REGISTRY}/web:v2@${DIGEST}` };

function problemsOf(raw: unknown): { path: string; message: string }[] {
  try {
    validateDeploymentRequest(raw, catalog, 'dep-1');
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentRequestInvalid);
    return [...(error as DeploymentRequestInvalid).problems];
  }
  throw new Error('expected the request to be refused');
}

describe('validateDeploymentRequest', () => {
  it('turns a valid request into a spec with the tag dropped from the image', () => {
    const spec = validateDeploymentRequest(valid, catalog, 'dep-1');
    expect(spec).toMatchObject({
      deploymentId: 'dep-1',
      service: 'web',
      image: `${REGISTRY}/web@${DIGEST}`,
      digest: DIGEST,
      repository: 'web',
      tag: 'v2',
      trigger: 'console',
      actor: 'console',
    });
    expect(spec.plan.strategy).toBe('linear');
    expect(spec.settings.ecs.service).toBe('web');
  });

  it('applies the request overrides to the plan', () => {
    const spec = validateDeploymentRequest(
      { ...valid, preset: 'Canary10Percent5Minutes', trigger: 'api' },
      catalog,
      'd',
    );
    expect(spec.plan.strategy).toBe('canary');
    expect(spec.trigger).toBe('api');
  });

  it.each([
    [{ ...valid, image: 'web:v2' }, 'image', 'mutable tag'],
    [{ ...valid, image: `${REGISTRY}/api@${DIGEST}` }, 'image', 'repository "api" is not allowed'],
    [{ ...valid, service: 'nope' }, 'service', 'no service "nope"'],
    [{ ...valid, strategy: 'linear', preset: 'AllAtOnce' }, 'preset', 'does not fit'],
    [{ ...valid, trigger: 'cron' }, 'trigger', 'expected one of'],
    [{ ...valid, extra: 1 }, '', 'unknown field "extra"'],
    [{ image: valid.image }, 'service', 'is required'],
    [{ ...valid, service: 42 }, 'service', 'expected string'],
    [{ ...valid, rollbackOf: 0 }, 'rollbackOf', '>=1'],
  ])('refuses %j at "%s"', (raw, path, words) => {
    const problems = problemsOf(raw);
    const match = problems.find((p) => p.path === path);
    expect(match, JSON.stringify(problems)).toBeDefined();
    expect(match!.message).toContain(words);
  });

  it('keeps analysis on every deployment of a service that requires it, except a rollback', () => {
    const analysed = (raw: Record<string, unknown>) =>
      validateDeploymentRequest({ ...valid, ...raw }, catalog, 'dep-1').settings.analysis.enabled;
    expect(catalog.services.web!.analysis.enabled).toBe(true);
    expect(analysed({})).toBe(true);
    expect(analysed({ strategy: 'canary' })).toBe(true);
    expect(analysed({ strategy: 'blue-green' })).toBe(true);
    expect(analysed({ trigger: 'rollback' })).toBe(false);
  });

  it.each([
    [{ service: 'web', strategy: 'all-at-once' }, 'strategy', 'would skip analysis'],
    [{ service: 'web', strategy: 'rolling' }, 'strategy', 'would skip analysis'],
    [
      { service: 'web', preset: 'AllAtOnce' },
      'preset',
      'preset AllAtOnce (strategy all-at-once) would skip analysis',
    ],
    [
      { service: 'api', strategy: 'rolling' },
      'strategy',
      'would skip test traffic and hook AfterAllowTestTraffic',
    ],
  ])("refuses %j from every trigger but rollback: the catalog's gates are a floor", (raw, path, words) => {
    const image = `${REGISTRY}/${raw.service}@${DIGEST}`;
    for (const trigger of ['api', 'console', 'push']) {
      const problems = problemsOf({ ...raw, image, trigger });
      expect(problems.map((p) => p.path)).toEqual([path]);
      expect(problems[0]!.message).toContain(words);
    }
  });

  it('refuses input that is not an object', () => {
    expect(problemsOf('deploy web')[0]!.message).toContain('expected object');
    expect(problemsOf(null)[0]!.message).toContain('expected object');
  });

  it('reports an unknown service and a bad image together', () => {
    expect(problemsOf({ service: 'nope', image: 'nope:latest' }).map((p) => p.path)).toEqual([
      'service',
      'image',
    ]);
  });
});

// serverless.yml's EventBridge rules for ECR pushes, matched as EventBridge matches:
// a tagged push reaches on-image-push, and so does an untagged image index; an untagged
// platform manifest or attestation does not. The rules name no repositories (a list would
// outgrow EventBridge's pattern size quota): the function ignores a repository no service
// deploys, and an untagged index unless its service opted in (images.untaggedPushes:
// deploy-index; test/functions/on-image-push.test.ts).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_PATTERN_CHARACTERS, matches } from '../../local/aws/event-pattern.js';
import { readServerlessRules } from '../../local/aws/serverless-rules.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { catalogResources } from '../../shared/domain/catalog-resources.js';

const serverlessYml = fileURLToPath(new URL('../../serverless.yml', import.meta.url));
const example = readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8');
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../events/ecr/${name}.json`, import.meta.url), 'utf8')) as {
    detail: Record<string, unknown>;
  };

async function routed(catalogText: string, event: unknown): Promise<number> {
  const resources = { ...catalogResources(parseCatalog(catalogText)) };
  const rules = await readServerlessRules(serverlessYml, { resources, stage: 'dev' });
  return rules.filter((r) => r.target === 'on-image-push' && matches(r.pattern, event)).length;
}

const untaggedIndex = () => {
  const event = load('image-push-index');
  delete event.detail['image-tag'];
  return event;
};

describe('the rules that route ECR pushes to on-image-push', () => {
  it('route a tagged push, and an index once, whatever the catalog', async () => {
    expect(await routed(example, load('image-push'))).toBe(1);
    expect(await routed(example, load('image-push-index'))).toBe(1);
  });

  it('route no untagged platform manifest or attestation, and an untagged index once', async () => {
    expect(await routed(example, load('image-push-untagged-manifest'))).toBe(0);
    expect(await routed(example, untaggedIndex())).toBe(1);
  });

  it('stay within EventBridge’s event pattern size quota for a catalog of 200 services', async () => {
    const services = Array.from({ length: 200 }, (_, i) => `service-with-a-long-name-${i}`);
    const resources = {
      ...catalogResources(parseCatalog(example)),
      ecsServices: services.map(
        (s) => `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/prod/${s}`,
      ),
    };
    const rules = await readServerlessRules(serverlessYml, { resources, stage: 'prod' });
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const rule of rules)
      expect(JSON.stringify(rule.pattern).length).toBeLessThanOrEqual(MAX_PATTERN_CHARACTERS);
  });
});

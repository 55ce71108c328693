// serverless.yml's EventBridge rules for ECR pushes, matched as EventBridge matches:
// a tagged push reaches on-image-push; an untagged one does not, unless it is an image
// index of a repository whose service opted in (images.untaggedPushes: deploy-index).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { matches } from '../../local/aws/event-pattern.js';
import { readServerlessRules } from '../../local/aws/serverless-rules.js';
import { parseCatalog } from '../../shared/domain/catalog.js';
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

  it('route no untagged push by default: platform manifests, attestations, indexes pushed by digest', async () => {
    expect(await routed(example, load('image-push-untagged-manifest'))).toBe(0);
    expect(await routed(example, untaggedIndex())).toBe(0);
  });

  it('route an untagged index of an opted-in repository, and still no untagged manifest', async () => {
    const optedIn = example.replace(
      '      repositories: [web]\n',
      () => '      repositories: [web]\n      untaggedPushes: deploy-index\n',
    );
    expect(optedIn).not.toBe(example);
    expect(await routed(optedIn, untaggedIndex())).toBe(1);
    expect(await routed(optedIn, load('image-push-untagged-manifest'))).toBe(0);
    const otherRepository = untaggedIndex();
    otherRepository.detail['repository-name'] = 'api';
    expect(await routed(optedIn, otherRepository)).toBe(0);
  });
});

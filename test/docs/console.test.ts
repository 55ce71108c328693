// The console guide's examples are real inputs: each one passes validation against the
// example catalog, on the state machine the guide says to start it on.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { validateDeploymentRequest } from '../../shared/domain/deployment-request.js';
import { stateMachineFor } from '../../shared/domain/strategy.js';

const guide = readFileSync(new URL('../../docs/console.md', import.meta.url), 'utf8');
const catalog = parseCatalog(readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8'));
const examples = [...guide.matchAll(/```json\n([\s\S]*?)```/g)].map(
  (m) => JSON.parse(m[1]!) as Record<string, unknown>,
);

describe('docs/console.md', () => {
  it('has an example for each state machine', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples.map((e, i) => [i, e] as const))('example %i is a valid input', (_i, input) => {
    const spec = validateDeploymentRequest(input, catalog, 'console-example');
    expect(['blue-green', 'canary', 'rolling']).toContain(stateMachineFor(spec.plan.strategy));
  });
});

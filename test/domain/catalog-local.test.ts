// The catalog's `local` section: its shape, checked with the rest of the catalog (the module's
// file and exports are checked at the local cloud's start: test/local/catalog-functions.test.ts).

import { describe, expect, it } from 'vitest';
import { catalogProblems } from '../support/catalog-problems.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup';
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/prod/1a2b3c/4d5e6f/1';

/** A catalog of one valid service whose BeforeAllowTraffic hook is web-smoke-test, and `local`. */
const withLocal = (local: string) => `version: 1
services:
  web:
    ecs: { cluster: prod, service: web, container: app }
    traffic: { productionListenerRule: ${RULE}, targetGroups: [${TG}/web-a/1a, ${TG}/web-b/1b] }
    strategy: all-at-once
    hooks: { BeforeAllowTraffic: web-smoke-test }
    images: { repositories: [web] }
${local}
`;

describe("the catalog's local section", () => {
  it('is optional, and absent from a catalog that has none', () => {
    expect(parseCatalog(withLocal('')).local).toBeUndefined();
  });

  it('names functions by the name hooks call, each a module with a timeout and an environment by default', () => {
    const catalog = parseCatalog(
      withLocal('local:\n  functions:\n    web-smoke-test: { module: hooks/web-smoke-test.ts }'),
    );
    expect(catalog.local).toEqual({
      functions: {
        'web-smoke-test': { module: 'hooks/web-smoke-test.ts', timeoutSeconds: 300, environment: {} },
      },
    });
  });

  it('takes a timeout and variables', () => {
    const catalog = parseCatalog(
      withLocal(
        'local:\n  functions:\n    web-smoke-test:\n      module: ../hooks/smoke.mjs\n' +
          '      timeoutSeconds: 30\n      environment: { SMOKE_PATH: /health }',
      ),
    );
    expect(catalog.local!.functions['web-smoke-test']).toEqual({
      module: '../hooks/smoke.mjs',
      timeoutSeconds: 30,
      environment: { SMOKE_PATH: '/health' },
    });
  });

  it('refuses a module that is missing, or not a JavaScript or TypeScript file, naming the field', () => {
    expect(catalogProblems(withLocal('local:\n  functions:\n    web-smoke-test: {}'))).toEqual([
      { path: 'local.functions.web-smoke-test.module', message: 'is required' },
    ]);
    expect(
      catalogProblems(withLocal('local:\n  functions:\n    web-smoke-test: { module: hooks/smoke.py }')),
    ).toEqual([
      {
        path: 'local.functions.web-smoke-test.module',
        message: 'must be the path of a .ts, .mts, .js or .mjs file, relative to the catalog',
      },
    ]);
  });

  it('refuses a name Lambda would refuse, a timeout past Lambda’s, and a variable the local cloud sets', () => {
    const problems = catalogProblems(
      withLocal(
        'local:\n  functions:\n    "web smoke": { module: a.ts }\n' +
          '    slow: { module: b.ts, timeoutSeconds: 901 }\n' +
          '    mine: { module: c.ts, environment: { CUTOVER_LOCAL_LOAD_BALANCER: x, 1X: y } }',
      ),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'local.functions["web smoke"]',
      'local.functions.slow.timeoutSeconds',
      'local.functions.mine.environment.CUTOVER_LOCAL_LOAD_BALANCER',
      'local.functions.mine.environment["1X"]',
    ]);
    expect(problems[0]!.message).toContain('Lambda function name');
    expect(problems[2]!.message).toContain('set by the local cloud');
    expect(problems[3]!.message).toContain('variable name');
  });

  it('refuses an unknown field, in the section and in a function', () => {
    expect(catalogProblems(withLocal('local:\n  function: {}')).map((p) => p.message)).toEqual([
      'unknown field "function"; check the spelling',
    ]);
    expect(
      catalogProblems(withLocal('local:\n  functions:\n    f: { module: a.ts, handler: main }')).map(
        (p) => p.path,
      ),
    ).toEqual(['local.functions.f']);
  });
});

// The catalog's local functions: loaded from their modules (paths relative to the catalog file),
// each problem a CatalogInvalid naming the field, and registered with the local Lambda, which
// then runs them with the event it is given and the environment the local cloud gives them.

import { describe, expect, it } from 'vitest';
import { LocalLambda } from '../../local/aws/lambda.js';
import {
  hooksWithoutFunction,
  loadCatalogFunctions,
  registerCatalogFunctions,
} from '../../local/catalog-functions.js';
import { ScaledClock } from '../../local/clock.js';
import type { Catalog } from '../../shared/domain/catalog-schema.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { CatalogInvalid } from '../../shared/domain/errors.js';

/** A catalog file beside the fixture modules (it need not exist: only its folder is used). */
const CATALOG_PATH = new URL('../fixtures/local/catalog.yml', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/local/functions/', import.meta.url).pathname;
const SCOPE = { partition: 'aws', region: 'us-east-1', account: '000000000000' };
const VARIABLES = { AWS_REGION: 'us-east-1', CUTOVER_LOCAL_LOAD_BALANCER: 'http://127.0.0.1:9/' };
const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup';
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/demo/1a2b3c/4d5e6f/1';

/** A catalog whose web service calls `hook` at BeforeAllowTraffic, with `functions` as local.functions. */
function catalogOf(functions: Record<string, object>, hook = 'web-smoke-test'): Catalog {
  return parseCatalog(
    JSON.stringify({
      version: 1,
      services: {
        web: {
          ecs: { cluster: 'demo', service: 'web', container: 'app' },
          traffic: { productionListenerRule: RULE, targetGroups: [`${TG}/web-a/1a`, `${TG}/web-b/1b`] },
          strategy: 'all-at-once',
          hooks: { BeforeAllowTraffic: hook },
          images: { repositories: ['web'] },
        },
      },
      local: { functions },
    }),
  );
}

const newLambda = () => new LocalLambda(SCOPE, new ScaledClock(1));

async function problemsOf(catalog: Catalog) {
  const refused = await loadCatalogFunctions(catalog, CATALOG_PATH).then(
    () => null,
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(CatalogInvalid);
  return (refused as CatalogInvalid).problems;
}

describe("the catalog's local functions", () => {
  it("runs a module's handler under the catalog's name, with the event as it was sent", async () => {
    const catalog = catalogOf({ 'web-smoke-test': { module: 'functions/handler.ts' } });
    const lambda = newLambda();
    registerCatalogFunctions(lambda, await loadCatalogFunctions(catalog, CATALOG_PATH), VARIABLES);
    const event = { deploymentId: 'web-1', hook: 'BeforeAllowTraffic', testListenerRule: RULE };
    const answer = await lambda.invoke('web-smoke-test', 'RequestResponse', JSON.stringify(event));
    expect(JSON.parse(answer.payload)).toEqual({ event, functionName: 'web-smoke-test' });
    expect(answer.functionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:web-smoke-test');
  });

  it("gives createHandler the catalog's variables and the local cloud's, not process.env", async () => {
    const catalog = catalogOf({
      checks: { module: 'functions/factory.ts', environment: { SMOKE_PATH: '/health' } },
    });
    const lambda = newLambda();
    registerCatalogFunctions(lambda, await loadCatalogFunctions(catalog, CATALOG_PATH), VARIABLES);
    const answer = await lambda.invoke('checks', 'RequestResponse', '{}');
    expect(JSON.parse(answer.payload)).toEqual({
      environment: {
        SMOKE_PATH: '/health',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: 'checks',
        CUTOVER_LOCAL_LOAD_BALANCER: 'http://127.0.0.1:9/',
      },
    });
  });

  it('lists every module that is missing, fails to load or exports no handler, naming the field', async () => {
    const problems = await problemsOf(
      catalogOf({
        missing: { module: 'functions/nowhere.ts' },
        throws: { module: 'functions/fails-to-load.ts' },
        unnamed: { module: 'functions/no-handler.ts' },
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'local.functions.missing.module',
      'local.functions.throws.module',
      'local.functions.unnamed.module',
    ]);
    expect(problems[0]!.message).toBe(
      `no such file: ${FIXTURES}nowhere.ts (the path is relative to the catalog file)`,
    );
    expect(problems[1]!.message).toContain('SMOKE_PATH is not set');
    expect(problems[2]!.message).toMatch(
      /no-handler\.ts exports no handler: export a function `handler\(event, context\)`/,
    );
  });

  it('names each hook whose function the local Lambda lacks, and what to add; a local ARN finds a registered one', async () => {
    const lambda = newLambda();
    expect(hooksWithoutFunction(catalogOf({}), lambda)).toEqual([
      'hook BeforeAllowTraffic of web calls web-smoke-test, which the local cloud does not run: its deployments ' +
        'roll back at that hook. Add local.functions.web-smoke-test.module to the catalog (docs/catalog.md#local)',
    ]);
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:web-smoke-test';
    const catalog = catalogOf({ 'web-smoke-test': { module: 'functions/handler.ts' } }, arn);
    registerCatalogFunctions(lambda, await loadCatalogFunctions(catalog, CATALOG_PATH), VARIABLES);
    expect(hooksWithoutFunction(catalog, lambda)).toEqual([]);
    // Another account's function is not the local one, whatever its name.
    const elsewhere = catalogOf({}, 'arn:aws:lambda:us-east-1:123456789012:function:web-smoke-test');
    expect(hooksWithoutFunction(elsewhere, lambda)).toHaveLength(1);
  });

  it("answers an Invoke of a function it lacks as Lambda does, saying where the local cloud's functions come from", async () => {
    await expect(newLambda().invoke('web-smoke-test', 'RequestResponse', '{}')).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
      message: expect.stringContaining('the catalog names under local.functions') as string,
    });
  });
});

// Lambda bundles as `npm run package` builds them (bench/bundle-build.ts), run in a fresh
// Node process as the Lambda runtime runs them: they hold the catalog as JSON and no YAML
// parser, and their AWS clients sign with the credentials in the environment (as Lambda
// gives a function its role's) and with nothing else: no profile, SSO or instance metadata.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, readPackaging, type Bundle } from '../../bench/bundle-build.js';
import { createDeploymentsTable } from '../../local/aws/dynamodb-tables.js';
import { emulatorClientConfig, startDynalite, type Emulator } from '../../harness/emulators.js';

const FUNCTIONS = ['validate-input', 'on-alarm', 'api'];
/** Packages a Lambda has no use for: a YAML parser, the SDK's credential chain, a browser user-agent parser. */
const NEVER_BUNDLED =
  /^(yaml|bowser|@aws-sdk\/credential-provider-(?!env$).*|@aws-sdk\/nested-clients|@smithy\/credential-provider-imds)$/;
const TABLE = 'cutover-bundle-deployments';
const DIGEST = `sha256:${'ab12'.repeat(16)}`;
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

/** Imports the bundle and calls its handler with the event; prints the result or the error. */
const RUNNER = `const [bundle, event] = process.argv.slice(2);
const { handler } = await import(bundle);
try {
  process.stdout.write(JSON.stringify({ result: await handler(JSON.parse(event), {}) }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: { name: error.name, message: error.message } }));
}
`;

let workDir: string;
let bundles: Map<string, Bundle>;
let dynalite: Emulator;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'cutover-bundles-test-'));
  writeFileSync(join(workDir, 'runner.mjs'), RUNNER);
  const packaging = readPackaging();
  packaging.functions = packaging.functions.filter((f) => FUNCTIONS.includes(f.name));
  bundles = new Map((await buildBundles(workDir, packaging)).map((b) => [b.name, b]));
  dynalite = await startDynalite();
  await createDeploymentsTable(new DynamoDBClient(emulatorClientConfig(dynalite.endpoint)), TABLE);
}, 120_000);

afterAll(async () => {
  await dynalite?.stop();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

/**
 * Runs a bundle's handler in a fresh process with only the given environment (and PATH).
 * Asynchronously: dynalite answers from this process.
 */
async function invoke(name: string, event: unknown, env: Record<string, string>) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(workDir, 'runner.mjs'), pathToFileURL(bundles.get(name)!.file).href, JSON.stringify(event)],
    {
      encoding: 'utf8',
      timeout: 20_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        // A path that does not exist: the bundle reads the catalog it was built with.
        CUTOVER_CATALOG: join(workDir, 'no-such-catalog.yml'),
        DEPLOYMENTS_TABLE: TABLE,
        LEDGER_TABLE: 'cutover-bundle-ledger',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...env,
      },
    },
  );
  return JSON.parse(stdout) as { result?: unknown; error?: { name: string; message: string } };
}

const alarmEvent = (alarmName: string) => ({
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  detail: { alarmName, state: { value: 'ALARM', reason: 'Threshold Crossed' } },
});

describe('packaged Lambda bundles', () => {
  it('carry no YAML parser and none of the SDK credential chain', () => {
    for (const name of FUNCTIONS) {
      const unwanted = bundles
        .get(name)!
        .packages.filter(([pkg, bytes]) => bytes > 0 && NEVER_BUNDLED.test(pkg));
      expect(unwanted, name).toEqual([]);
    }
  });

  it('reach DynamoDB and Step Functions by signed requests, with no SDK client for either', () => {
    expect(bundles.get('on-alarm')!.clients).toEqual([]);
    expect(bundles.get('on-alarm')!.signed).toEqual(['dynamodb', 'sfn']);
    expect(bundles.get('api')!.clients).not.toContain('client-dynamodb');
    expect(bundles.get('api')!.signed).toEqual(expect.arrayContaining(['dynamodb', 'sfn']));
    expect(bundles.get('validate-input')!.signed).toEqual([]);
  });

  it('validate-input checks a request against the catalog the bundle was built with', async () => {
    const input = { service: 'web', image: `${REGISTRY}/web:v2@${DIGEST}` };
    const ok = await invoke('validate-input', { deploymentId: 'dep-1', machine: 'canary', input }, {});
    expect(ok.result).toMatchObject({ service: 'web', digest: DIGEST, plan: { strategy: 'linear' } });

    const unknown = { service: 'no-such-service', image: input.image };
    const refused = await invoke(
      'validate-input',
      { deploymentId: 'dep-2', machine: 'canary', input: unknown },
      {},
    );
    expect(refused.error).toMatchObject({ name: 'DeploymentRequestInvalid' });
  });

  it('on-alarm reads DynamoDB signed with the credentials in the environment', async () => {
    const env = {
      AWS_ENDPOINT_URL: dynalite.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
      AWS_SECRET_ACCESS_KEY: 'bundle-test',
      AWS_SESSION_TOKEN: 'bundle-session',
    };
    expect((await invoke('on-alarm', alarmEvent('nobody-watches-this'), env)).result).toEqual({
      alarmName: 'nobody-watches-this',
      failed: [],
      skipped: [],
    });
  });

  it('on-alarm without credentials in the environment fails at once, looking nowhere else', async () => {
    const started = Date.now();
    const { error } = await invoke('on-alarm', alarmEvent('nobody-watches-this'), {
      AWS_ENDPOINT_URL: dynalite.endpoint,
      // Where the full chain would look next: a profile, then the instance metadata service.
      AWS_PROFILE: 'someone',
      AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://192.0.2.1',
    });
    expect(error?.message).toMatch(/environment variable credentials/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

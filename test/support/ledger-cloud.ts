// The local KMS and S3 on a local AWS endpoint of their own, with IAM enforced, set up from
// a small template (test/fixtures/local/ledger-template.yml) the way the local cloud sets
// them up from serverless.yml: keys, aliases and buckets created at start, each function's
// role computed with their ARNs. A restart is a second start on the same data folder.

import { readFileSync } from 'node:fs';
import { accessKeyIdOf } from '../../local/aws/guard.js';
import { KMS_TARGET } from '../../local/aws/kms.js';
import { LocalIam } from '../../local/iam/authorizer.js';
import { functionRoles } from '../../local/iam/roles.js';
import { startLedgerServices, type LedgerServices } from '../../local/ledger-services.js';
import { serve, type RunningServer } from './local-server.js';

export const LEDGER_TEMPLATE = new URL('../fixtures/local/ledger-template.yml', import.meta.url).pathname;

export const SCOPE = { partition: 'aws', region: 'us-east-1', account: '000000000000' };

export interface LedgerCloud {
  ledger: LedgerServices;
  iam: LocalIam;
  server: RunningServer;
  /** The SDK client config of a function in the template (its role's credentials), or of the administrator. */
  config(fn?: string): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
}

export async function startLedgerCloud(dataDir: string, template = LEDGER_TEMPLATE): Promise<LedgerCloud> {
  const options = { ...SCOPE, stage: 'local', resources: {} };
  const ledger = await startLedgerServices(dataDir, template, options);
  const roles = functionRoles(readFileSync(template, 'utf8'), {
    ...options,
    physicalIds: ledger.resources.physicalIds(),
  });
  const iam = new LocalIam({
    ...SCOPE,
    ...ledger.iam,
    service: 'cutover',
    stage: 'local',
    roles,
    roleName: (fn) => `cutover-local-${fn}`,
  });
  const server = await serve({
    json: { [KMS_TARGET]: { service: ledger.kms.service, contentType: 'application/x-amz-json-1.1' } },
    s3: ledger.s3,
    authorize: (req, prefix, action, input) =>
      iam.check(accessKeyIdOf(req) ?? '', prefix, action, input)?.message ?? null,
  });
  return {
    ledger,
    iam,
    server,
    config: (fn) => ({
      endpoint: server.endpoint,
      region: SCOPE.region,
      credentials:
        fn === undefined ? { accessKeyId: 'local', secretAccessKey: 'local' } : iam.credentialsFor(fn),
    }),
  };
}

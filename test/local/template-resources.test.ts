// KMS keys, aliases and S3 buckets declared in a template's `resources`, created by the local
// cloud at start as CloudFormation would: found again by logical id on the next start (and
// brought up to date, as a stack update would), named as declared or as CloudFormation names
// them, and refused at start, loudly, when the local cloud cannot make them.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templateKeyId } from '../../local/aws/template-ids.js';
import { functionRoles } from '../../local/iam/roles.js';
import { startLedgerServices } from '../../local/ledger-services.js';
import { SCOPE } from '../support/ledger-cloud.js';

const options = { ...SCOPE, stage: 'local', resources: {} };

/** A template of the given `resources.Resources` (YAML text, indented under it), in a fresh folder. */
function template(resources: string): { file: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-template-'));
  const file = join(dir, 'serverless.yml');
  writeFileSync(file, `service: cutover\nresources:\n  Resources:\n${resources}`);
  return { file, dataDir: join(dir, 'data') };
}

const key = (policyAction: string) => `
    SigningKey:
      Type: AWS::KMS::Key
      Properties:
        KeySpec: ECC_NIST_P256
        KeyUsage: SIGN_VERIFY
        KeyPolicy:
          Version: '2012-10-17'
          Statement:
            - Effect: Allow
              Principal: { AWS: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root' }
              Action: ${policyAction}
              Resource: '*'
    SigningAlias:
      Type: AWS::KMS::Alias
      Properties:
        AliasName: alias/\${self:service}-signing
        TargetKeyId: !GetAtt SigningKey.Arn
`;

describe('resources from the template', () => {
  it('finds a key again by logical id, and updates its policy as a stack update would', async () => {
    const { file, dataDir } = template(key('kms:*'));
    const first = await startLedgerServices(dataDir, file, options);
    const keyId = first.resources.ref('SigningKey');
    expect(first.resources.arn('SigningKey')).toBe(`arn:aws:kms:us-east-1:000000000000:key/${keyId}`);
    expect(first.resources.ref('SigningAlias')).toBe('alias/cutover-signing');
    writeFileSync(
      file,
      `service: cutover\nresources:\n  Resources:\n${key("['kms:PutKeyPolicy', 'kms:Sign']")}`,
    );
    const second = await startLedgerServices(dataDir, file, options);
    expect(second.resources.ref('SigningKey')).toBe(keyId);
    expect(second.kms.keys.find('alias/cutover-signing', true).keyId).toBe(keyId);
    const policy = second.kms.service.operations.GetKeyPolicy!({ KeyId: keyId }) as { Policy: string };
    expect(JSON.parse(policy.Policy)).toMatchObject({
      Statement: [{ Action: ['kms:PutKeyPolicy', 'kms:Sign'] }],
    });
  });

  it('gives a template key the id anything reading the template derives, so roles need not wait for it', async () => {
    const { file, dataDir } = template(key('kms:*'));
    const services = await startLedgerServices(dataDir, file, options);
    const derived = templateKeyId(SCOPE, 'SigningKey');
    expect(services.resources.ref('SigningKey')).toBe(derived);
    const text = `service: cutover\nfunctions:\n  signer:\n    iamRoleStatements:\n      - { Effect: Allow, Action: kms:Sign, Resource: !GetAtt SigningKey.Arn }\n${readFileSync(file, 'utf8').slice('service: cutover\n'.length)}`;
    const roles = functionRoles(text, options);
    expect(roles.get('signer')?.statements[0]?.Resource).toBe(services.resources.arn('SigningKey'));
  });

  it('names a bucket as declared, with versioning as declared', async () => {
    const { file, dataDir } = template(`
    Archive:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: \${self:service}-archive
        VersioningConfiguration: { Status: Enabled }
`);
    const services = await startLedgerServices(dataDir, file, options);
    expect(services.resources.ref('Archive')).toBe('cutover-archive');
    expect(services.resources.arn('Archive')).toBe('arn:aws:s3:::cutover-archive');
    expect(services.s3.store.bucket('cutover-archive')).toMatchObject({
      versioning: 'Enabled',
      objectLock: false,
    });
    expect(() => services.resources.ref('Missing')).toThrow(
      /declares no KMS key, alias or S3 bucket Missing/,
    );
  });

  it('refuses to start with a key it cannot make, or retention without Object Lock', async () => {
    const rsa = template(`
    Rsa:
      Type: AWS::KMS::Key
      Properties: { KeySpec: RSA_2048, KeyUsage: SIGN_VERIFY }
`);
    await expect(startLedgerServices(rsa.dataDir, rsa.file, options)).rejects.toThrow(
      /only ECC_NIST_P256 SIGN_VERIFY keys, not RSA_2048/,
    );
    const unlocked = template(`
    Anchors:
      Type: AWS::S3::Bucket
      Properties:
        ObjectLockConfiguration:
          ObjectLockEnabled: Enabled
          Rule: { DefaultRetention: { Mode: COMPLIANCE, Days: 1 } }
`);
    await expect(startLedgerServices(unlocked.dataDir, unlocked.file, options)).rejects.toThrow(
      /ObjectLockConfiguration needs ObjectLockEnabled: true/,
    );
  });
});

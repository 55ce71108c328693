// The two services a signed release ledger builds on, as the local cloud runs them: KMS
// (signing keys) and S3 (Object-Locked anchors), both kept in the data folder, with the keys,
// aliases and buckets serverless.yml declares created at start (aws/template-resources.ts).
// `iam` is what IAM needs of them: key policies, and the key a KeyId names.

import type { KeyPolicyStatement } from './iam/key-policy.js';
import { keyPolicyStatements } from './iam/key-policy.js';
import { LocalKms } from './aws/kms.js';
import { LocalS3 } from './aws/s3.js';
import {
  createTemplateResources,
  type TemplateOptions,
  type TemplateResources,
} from './aws/template-resources.js';

export interface LedgerServices {
  kms: LocalKms;
  s3: LocalS3;
  /** `!Ref` and `!GetAtt …Arn` of the template's keys, aliases and buckets. */
  resources: TemplateResources;
  iam: {
    keyPolicy: (keyArn: string) => KeyPolicyStatement[] | undefined;
    kmsKeyArn: (keyId: string) => string | undefined;
  };
}

export async function startLedgerServices(
  dataDir: string,
  template: string,
  options: TemplateOptions,
): Promise<LedgerServices> {
  const kms = new LocalKms({ ...options, dataDir });
  const s3 = new LocalS3({ dataDir, region: options.region, account: options.account });
  const resources = await createTemplateResources(template, kms, s3, options);
  const keyPrefix = kms.keys.keyArn('');
  return {
    kms,
    s3,
    resources,
    iam: {
      keyPolicy: (keyArn) => {
        if (!keyArn.startsWith(keyPrefix)) return undefined;
        const id = keyArn.slice(keyPrefix.length);
        try {
          return keyPolicyStatements(kms.keys.find(id, false).policy);
        } catch {
          // No such key: IAM judges by identity alone, and KMS answers NotFoundException.
          return undefined;
        }
      },
      kmsKeyArn: (keyId) => kms.keys.resolveArn(keyId),
    },
  };
}

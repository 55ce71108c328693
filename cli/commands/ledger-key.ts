// `cutover ledger-key`: prints the public key of the key that signs the release ledger, as PEM,
// for `cutover verify --offline` and other checkers. Read from KMS (GetPublicKey) with the
// caller's own credentials, as preflight reads an account, and never through Cutover's API:
// a key that came from the API whose answers it will check would prove nothing.

import { parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { BadInput, UsageError } from '../errors.js';
import { printJson } from '../output.js';
import {
  ACCOUNT_OPTIONS,
  accountTarget,
  LOCAL_AWS_ENDPOINT_HELP,
  type AccountTarget,
} from '../local-aws-endpoint.js';
import { DEFAULT_STAGE, LOCAL_STAGE, STACK_SERVICE } from '../../shared/domain/stack-names.js';
import { SIGNING_ALGORITHM } from '../../shared/domain/ledger-signature.js';

const help = `Usage: cutover ledger-key [options]

Print the public key of the ledger key, the KMS key that signs every ledger record, as
PEM (SubjectPublicKeyInfo), to keep and give to cutover verify --offline --public-key.
It is read from KMS (GetPublicKey) with your own AWS credentials, not through Cutover's
API, so a checker need not trust the control plane it checks.

Options:
  --key-id ID         the key: an ARN (as in an export's keyIds), a key id or an alias
                      (default: alias/${STACK_SERVICE}-<stage>-ledger, the stack's LedgerKeyAlias)
  --stage S           the stage whose alias to read (default: ${DEFAULT_STAGE} with --aws, as
                      npm run package and osls deploy; ${LOCAL_STAGE} on the local cloud)
  --aws               read KMS in the AWS account your credentials reach, found as the AWS
                      CLI finds them (AWS_PROFILE, aws sso login, environment variables)
${LOCAL_AWS_ENDPOINT_HELP}
  --region R          the region (default: the key ARN's; else with --aws $AWS_REGION)
  --json              print { keyId, keySpec, signingAlgorithms, publicKeyPem }

Exit codes: 0 printed, 1 KMS could not be read or refused, 2 bad usage, no such key, or a
key that is not an ECC_NIST_P256 signing key.

Examples:
  cutover ledger-key > ledger-key.pem                      # the local cloud, with npm start running
  cutover ledger-key --aws --region eu-west-1 --stage prod > ledger-key.pem
  cutover ledger-key --aws --key-id arn:aws:kms:eu-west-1:123456789012:key/<id>`;

export const ledgerKeyCommand: Command = {
  name: 'ledger-key',
  help,
  async run(args, output) {
    const { values, positionals } = parseCommandLine(args, {
      ...ACCOUNT_OPTIONS,
      'key-id': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError('ledger-key takes no arguments, only options', help);
    const keyArg = values['key-id'];
    const { target, stage } = accountTarget(values, help, (local) => {
      const region =
        values.region ??
        (keyArg?.startsWith('arn:') ? keyArg.split(':')[3] : undefined) ??
        (local ? 'us-east-1' : process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION);
      if (region === undefined || region === '')
        throw new UsageError('cannot tell the region of the key: pass --region, or a key ARN', help);
      return region;
    });
    const keyId = keyArg ?? `alias/${STACK_SERVICE}-${stage}-ledger`;
    const key = await readPublicKey(target, keyId);
    if (output.json) printJson(output, key);
    else output.out(key.publicKeyPem.trimEnd());
    return 0;
  },
};

interface LedgerPublicKey {
  keyId: string;
  keySpec: string;
  signingAlgorithms: string[];
  publicKeyPem: string;
}

async function readPublicKey(target: AccountTarget, keyId: string): Promise<LedgerPublicKey> {
  const [{ GetPublicKeyCommand, KMSClient }, { sdkConfig }, { publicKeyFrom }] = await Promise.all([
    import('../sdk/kms.js'),
    import('../aws-clients.js'),
    import('../../shared/domain/ledger-signature.js'),
  ]);
  const client = new KMSClient({ ...sdkConfig(target), maxAttempts: 2 });
  const where = target.kind === 'aws' ? `KMS in ${target.region}` : `the KMS at ${target.endpoint}`;
  try {
    const answer = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
    const algorithms = answer.SigningAlgorithms ?? [];
    if (
      answer.PublicKey === undefined ||
      answer.KeySpec !== 'ECC_NIST_P256' ||
      !algorithms.includes(SIGNING_ALGORITHM)
    ) {
      throw new BadInput(
        `${keyId} is a ${answer.KeySpec ?? 'key of no known spec'} key for ${algorithms.join(', ') || 'no signing'}, ` +
          `not the ledger key: an ECC_NIST_P256 key for ${SIGNING_ALGORITHM}`,
      );
    }
    const publicKeyPem = publicKeyFrom(answer.PublicKey).export({ type: 'spki', format: 'pem' }).toString();
    return {
      keyId: answer.KeyId ?? keyId,
      keySpec: answer.KeySpec,
      signingAlgorithms: algorithms,
      publicKeyPem,
    };
  } catch (error) {
    if (error instanceof BadInput) throw error;
    const name = (error as Error).name;
    if (name === 'NotFoundException') {
      throw new BadInput(
        `${where} has no key ${keyId}: pass the --stage the stack was deployed with, or --key-id with an ARN from the export's keyIds`,
      );
    }
    throw new Error(
      `${where} did not give the public key of ${keyId}: ${name}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    client.destroy();
  }
}

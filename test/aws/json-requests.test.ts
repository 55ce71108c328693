// The AWS JSON-protocol requests (shared/aws/json-requests.ts) under the KMS and Step Functions
// adapters, against a local stand-in for AWS (test/support/stand-in-aws.ts) that answers as AWS
// would where the emulators cannot be made to: errors in each form AWS writes them, named as the
// SDK's own client names them (it is asked the same thing on the same server); throttling tried
// 3 times, then TransientError; a refused connection; and signatures checked by AWS's SigV4 steps
// (test/support/sigv4-check.ts).

import { createSign, generateKeyPairSync, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../shared/aws/errors.js';
import { AwsServiceError } from '../../shared/aws/errors.js';
import { JsonRequests, KMS, STEP_FUNCTIONS } from '../../shared/aws/json-requests.js';
import { KmsLedgerKeys, KmsRecordSigner } from '../../shared/aws/kms-ledger-keys.js';
import { SfnExecutions } from '../../shared/aws/sfn-executions.js';
import { SfnTaskTokens } from '../../shared/aws/sfn-task-tokens.js';
import type { AwsHttpConfig } from '../../shared/aws/signed-http.js';
import { StandInAws, type Answer, type Received } from '../support/stand-in-aws.js';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** One stand-in for KMS and Step Functions, each request checked as signed for its own service. */
let aws: StandInAws;
beforeAll(async () => {
  aws = await new StandInAws(
    (request) => (String(request.headers['x-amz-target']).startsWith('TrentService.') ? 'kms' : 'states'),
    { headers: { 'content-type': 'application/x-amz-json-1.1' } },
  ).start();
});
afterAll(() => aws.stop());
beforeEach(() => aws.reset());

/** A config that reaches the stand-in, tried as often as by default unless said otherwise. */
const config = (overrides: Partial<AwsHttpConfig> = {}): AwsHttpConfig =>
  aws.config({ maxAttempts: undefined, ...overrides });

/** An answer in JSON 1.1 (the stand-in's content type) unless its headers say otherwise. */
const json = (status: number, body: unknown, headers?: Record<string, string>): Answer => ({
  status,
  headers,
  body: JSON.stringify(body),
});

describe('errors, named as the SDK names them', () => {
  const CASES: { form: string; answer: Answer; name: string; message: string }[] = [
    {
      form: '__type with the namespace',
      answer: json(400, { __type: 'com.amazonaws.kms#NotFoundException', message: 'Key does not exist' }),
      name: 'NotFoundException',
      message: 'Key does not exist',
    },
    {
      form: '__type alone',
      answer: json(400, { __type: 'NotFoundException', message: 'Key does not exist' }),
      name: 'NotFoundException',
      message: 'Key does not exist',
    },
    {
      form: '__type with a namespace and a URL after a colon',
      answer: json(400, {
        __type: 'com.amazonaws.kms#KMSInvalidStateException:http://internal.amazon.com/coral/com.amazon.kms/',
        message: 'pending deletion',
      }),
      name: 'KMSInvalidStateException',
      message: 'pending deletion',
    },
    {
      form: 'an unmodelled code, with Message capitalised',
      answer: json(400, { __type: 'ThrottlingException', Message: 'Rate exceeded' }),
      name: 'ThrottlingException',
      message: 'Rate exceeded',
    },
    {
      form: 'a `code` field',
      answer: json(400, { code: 'AccessDeniedException', message: 'not authorized' }),
      name: 'AccessDeniedException',
      message: 'not authorized',
    },
    {
      form: 'the x-amzn-errortype header alone',
      answer: json(400, {}, { 'x-amzn-errortype': 'DisabledException:http://internal.amazon.com/coral/' }),
      name: 'DisabledException',
      message: 'UnknownError',
    },
  ];

  it.each(CASES)('from $form', async ({ answer: given, name, message }) => {
    aws.answer = () => given;
    const ours = await new JsonRequests(KMS, config({ maxAttempts: 1 }))
      .call('GetPublicKey', { KeyId: KEY_ARN })
      .catch((e: unknown) => e);
    const sdk = new KMSClient({ ...config(), maxAttempts: 1 });
    const theirs = await sdk.send(new GetPublicKeyCommand({ KeyId: KEY_ARN })).catch((e: unknown) => e);
    sdk.destroy();

    expect(ours).toBeInstanceOf(AwsServiceError);
    expect(ours).toMatchObject({ name, $metadata: { httpStatusCode: given.status } });
    expect(theirs).toMatchObject({ name, $metadata: { httpStatusCode: given.status } });
    // The SDK has no message where the answer gives none; ours says what came back.
    if (message !== 'UnknownError') expect((ours as Error).message).toBe(message);
    else expect((ours as Error).message).toBe('400 with no AWS error in the answer');
  });

  it('names an answer with no AWS error in it (a proxy’s page) Unknown, keeping its status', async () => {
    aws.answer = () => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html>Bad Gateway</html>',
    });
    const error = await new JsonRequests(STEP_FUNCTIONS, config({ maxAttempts: 1 }))
      .call('DescribeExecution', { executionArn: 'arn' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'Unknown', $metadata: { httpStatusCode: 502 }, $fault: 'server' });
  });

  it('lets an adapter tell the errors it expects by name', async () => {
    const executions = new SfnExecutions(new JsonRequests(STEP_FUNCTIONS, config()), () => 'arn:sm');
    aws.answer = () =>
      json(400, { __type: 'com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist', message: 'x' });
    expect(await executions.describe('canary', 'gone')).toBeNull();
    aws.answer = () => json(400, { __type: 'ExecutionAlreadyExists', message: 'Execution Already Exists' });
    expect(await executions.start('canary', 'again', {})).toBe('exists');
    aws.answer = () =>
      json(400, { __type: 'com.amazonaws.swf.base.exceptions#TaskTimedOut', message: 'late' });
    expect(await new SfnTaskTokens(new JsonRequests(STEP_FUNCTIONS, config())).succeed('t', {})).toBe('gone');
  });
});

describe('retries', () => {
  it('tries a throttled request 3 times, then fails it as TransientError for the state machine to retry', async () => {
    aws.answer = () =>
      json(400, { __type: 'com.amazonaws.swf.base#ThrottlingException', message: 'Rate exceeded' });
    const tokens = new SfnTaskTokens(new JsonRequests(STEP_FUNCTIONS, config()));
    const error = await tokens.succeed('token', { verdict: 'baked' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(
      /^SendTaskSuccess failed for now: Rate exceeded; the step will retry$/,
    );
    expect((error as TransientError).cause).toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(aws.received).toHaveLength(3);
  });

  it('tries a 5xx again and succeeds when AWS does', async () => {
    aws.answer = () =>
      aws.received.length < 2
        ? json(500, { __type: 'InternalFailure', message: 'try again' })
        : json(200, {});
    const tokens = new SfnTaskTokens(new JsonRequests(STEP_FUNCTIONS, config()));
    expect(await tokens.fail('token', 'AlarmFired', 'cause')).toBe('delivered');
    expect(aws.received).toHaveLength(2);
  });

  it('sends a refused request once and passes the error on unchanged', async () => {
    aws.answer = () => json(400, { __type: 'ValidationException', message: 'bad input' });
    const tokens = new SfnTaskTokens(new JsonRequests(STEP_FUNCTIONS, config()));
    const error = await tokens.succeed('token', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException', message: 'bad input' });
    expect(error).not.toBeInstanceOf(TransientError);
    expect(aws.received).toHaveLength(1);
  });

  it('fails a refused connection as TransientError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const kms = new JsonRequests(KMS, config({ endpoint: `http://127.0.0.1:${port}` }));
    const error = await new KmsLedgerKeys(kms, [KEY_ARN]).trusted().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/^KMS GetPublicKey of .* failed for now/);
    expect((error as TransientError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('the requests, as AWS checks them', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  /** KMS's two operations, answered for real with a key of this test's own. */
  function kms(request: Received): Answer {
    if (request.problem !== undefined)
      return json(400, { __type: 'InvalidSignatureException', message: request.problem });
    const input = JSON.parse(request.body) as { KeyId: string; Message?: string };
    if (request.headers['x-amz-target'] === 'TrentService.GetPublicKey')
      return json(200, {
        KeyId: input.KeyId,
        PublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      });
    const signer = createSign('sha256');
    signer.update(Buffer.from(input.Message!, 'base64'));
    return json(200, { KeyId: input.KeyId, Signature: signer.sign(privateKey).toString('base64') });
  }

  it('signs for KMS, sends the message as base64 and reads the signature and key back as bytes', async () => {
    aws.answer = kms;
    const message = new TextEncoder().encode('release 7 of checkout');
    const signature = await new KmsRecordSigner(new JsonRequests(KMS, config()), KEY_ARN).sign(message);
    const keys = await new KmsLedgerKeys(new JsonRequests(KMS, config()), [KEY_ARN]).trusted();

    expect(aws.received.map((r) => r.problem)).toEqual([undefined, undefined]);
    expect(
      aws.received.map((r) => [r.method, r.url, r.headers['x-amz-target'], r.headers['content-type']]),
    ).toEqual([
      ['POST', '/', 'TrentService.Sign', 'application/x-amz-json-1.1'],
      ['POST', '/', 'TrentService.GetPublicKey', 'application/x-amz-json-1.1'],
    ]);
    expect(JSON.parse(aws.received[0]!.body)).toEqual({
      KeyId: KEY_ARN,
      Message: Buffer.from(message).toString('base64'),
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(signature.constructor).toBe(Uint8Array);
    expect(verify('sha256', message, { key: keys.get(KEY_ARN)!, dsaEncoding: 'der' }, signature)).toBe(true);
    expect(aws.received[0]!.headers.authorization).toContain('/eu-west-1/kms/aws4_request');
  });

  it('signs for Step Functions as `states`, in JSON 1.0', async () => {
    aws.answer = (request) =>
      request.problem === undefined
        ? json(200, { executionArn: 'arn', startDate: 1_700_000_000.5 })
        : json(400, { __type: 'InvalidSignatureException', message: request.problem });
    const executions = new SfnExecutions(new JsonRequests(STEP_FUNCTIONS, config()), () => 'arn:sm:canary');
    expect(await executions.start('canary', 'web-1', { service: 'web' })).toBe('started');
    expect(aws.received[0]).toMatchObject({
      problem: undefined,
      headers: {
        'x-amz-target': 'AWSStepFunctions.StartExecution',
        'content-type': 'application/x-amz-json-1.0',
      },
    });
    expect(JSON.parse(aws.received[0]!.body)).toEqual({
      stateMachineArn: 'arn:sm:canary',
      name: 'web-1',
      input: '{"service":"web"}',
    });
    expect(aws.received[0]!.headers.authorization).toContain('/eu-west-1/states/aws4_request');
  });

  it('accepts the AWS SDK’s own KMS client signing the same call (the check is AWS’s)', async () => {
    aws.answer = kms;
    const sdk = new KMSClient(config());
    try {
      const { PublicKey } = await sdk.send(new GetPublicKeyCommand({ KeyId: KEY_ARN }));
      expect(PublicKey?.length).toBeGreaterThan(60);
      expect(aws.received.map((r) => r.problem)).toEqual([undefined]);
    } finally {
      sdk.destroy();
    }
  });

  it('is refused when signed with another secret (the check can fail)', async () => {
    aws.answer = kms;
    aws.secret = 'another secret';
    const error = await new KmsRecordSigner(new JsonRequests(KMS, config()), KEY_ARN)
      .sign(new Uint8Array([1, 2, 3]))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toMatch(/^signature [0-9a-f]{64} is not [0-9a-f]{64}$/);
  });
});

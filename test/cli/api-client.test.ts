// The API client without a network: how requests are authorized (the local bearer token, or
// SigV4 for the API on AWS, checked against a fixed clock and fixed credentials), and where
// the endpoint, region and token come from.

import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  ApiClient,
  clientFrom,
  operatorActor,
  reportApiFailure,
  type PreparedRequest,
} from '../../cli/api-client.js';
import { ApiFailure, UsageError } from '../../cli/errors.js';
import type { Output } from '../../cli/output.js';

const ENDPOINT = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const NOW = new Date('2026-11-27T10:00:00Z');
const BODY = { service: 'web', image: `r/web@sha256:${'a'.repeat(64)}` };

function signingClient(options: { endpoint?: string; sessionToken?: string } = {}) {
  return new ApiClient({
    endpoint: options.endpoint ?? ENDPOINT,
    actor: 'operator:ana',
    auth: {
      kind: 'sigv4',
      region: 'eu-west-1',
      credentials: {
        ...CREDENTIALS,
        ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
      },
      now: () => NOW,
    },
  });
}

const signatureOf = (request: PreparedRequest) =>
  /Signature=([0-9a-f]{64})$/.exec(request.headers.authorization!)![1];

/** SigV4 written out from AWS's description, to check the client's signature independently. */
function referenceSignature(request: PreparedRequest, region: string): string {
  const url = new URL(request.url);
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const headers: Record<string, string> = { ...request.headers, host: url.host };
  delete headers.authorization;
  const names = Object.keys(headers).sort();
  const canonical = [
    request.method,
    url.pathname,
    '',
    ...names.map((n) => `${n}:${headers[n]!.trim()}`),
    '',
    names.join(';'),
    sha256(request.body ?? ''),
  ].join('\n');
  const date = headers['x-amz-date']!;
  const scope = `${date.slice(0, 8)}/${region}/execute-api/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, date.slice(0, 8));
  for (const part of [region, 'execute-api', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('SigV4 for the API on AWS', () => {
  it('signs with the service execute-api, the region, the date and the headers it sends', async () => {
    const request = await signingClient().prepare('POST', '/deployments', BODY);

    expect(request.url).toBe(`${ENDPOINT}/deployments`);
    expect(request.body).toBe(JSON.stringify(BODY));
    expect(request.headers['x-amz-date']).toBe('20261127T100000Z');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261127\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-cutover-actor, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers.host).toBeUndefined(); // fetch sets it from the URL
    expect(signatureOf(request)).toBe(referenceSignature(request, 'eu-west-1'));
  });

  it('gives the same request the same signature, and a changed body or path another', async () => {
    const client = signingClient();
    const base = signatureOf(await client.prepare('POST', '/deployments', BODY));
    expect(signatureOf(await client.prepare('POST', '/deployments', BODY))).toBe(base);
    expect(signatureOf(await client.prepare('POST', '/deployments', { ...BODY, reason: 'x' }))).not.toBe(
      base,
    );
    expect(signatureOf(await client.prepare('POST', '/deployments/web-1/abort', BODY))).not.toBe(base);
  });

  it('signs a GET with no body, under a stage path, and a session token', async () => {
    const client = signingClient({ endpoint: `${ENDPOINT}/prod/`, sessionToken: 'FwoGZXIvYXdzEXAMPLE' });
    const request = await client.prepare('GET', '/services/web');

    expect(request.url).toBe(`${ENDPOINT}/prod/services/web`);
    expect(request.body).toBeUndefined();
    expect(request.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLE');
    expect(request.headers.authorization).toContain('x-amz-security-token');
    expect(signatureOf(request)).toBe(referenceSignature(request, 'eu-west-1'));
  });

  it('fails with exit 1 and a hint when there are no credentials', async () => {
    const client = new ApiClient({
      endpoint: ENDPOINT,
      auth: {
        kind: 'sigv4',
        region: 'eu-west-1',
        credentials: () => Promise.reject(new Error('none found')),
      },
    });
    const failure = await client.prepare('GET', '/services').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ code: 'NoCredentials', exitCode: 1 });
    expect((failure as ApiFailure).message).toContain('none found');
  });
});

describe('clientFrom: endpoint, token, region', () => {
  const authorizationOf = async (client: ApiClient) =>
    (await client.prepare('GET', '/services')).headers.authorization;

  it('calls the local cloud by default, with the token from --token, CUTOVER_TOKEN, or the data folder', async () => {
    const data = mkdtempSync(join(tmpdir(), 'cutover-token-'));
    writeFileSync(join(data, 'token'), 'from-file\n');

    const fromFile = clientFrom({ data }, {});
    expect(fromFile.endpoint.href).toBe('http://127.0.0.1:4600/');
    expect(await authorizationOf(fromFile)).toBe('Bearer from-file');
    expect(await authorizationOf(clientFrom({ data }, { CUTOVER_TOKEN: 'from-env' }))).toBe(
      'Bearer from-env',
    );
    expect(await authorizationOf(clientFrom({ data, token: 'from-flag' }, { CUTOVER_TOKEN: 'x' }))).toBe(
      'Bearer from-flag',
    );
    const fromEnv = clientFrom({ token: 't' }, { CUTOVER_ENDPOINT: 'http://localhost:4700' });
    expect(fromEnv.endpoint.href).toBe('http://localhost:4700/');
  });

  it('says how to start the local cloud when the data folder has no token', () => {
    const data = mkdtempSync(join(tmpdir(), 'cutover-no-token-'));
    let failure: unknown;
    try {
      clientFrom({ data }, {});
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ code: 'NoToken', exitCode: 1 });
    expect((failure as Error).message).toContain(`no token file at ${join(data, 'token')}`);
    expect((failure as Error).message).toContain('npm start');
  });

  it('signs for any other endpoint, in the region its host names, with the standard credential chain', async () => {
    // The chain's first source is the environment (when no profile is named).
    vi.stubEnv('AWS_PROFILE', '');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMCHAIN');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    try {
      const client = clientFrom({ endpoint: ENDPOINT }, {});
      expect(await authorizationOf(client)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDFROMCHAIN\/\d{8}\/eu-west-1\/execute-api\//,
      );
      const custom = clientFrom({ endpoint: 'https://cutover.example.com' }, { AWS_REGION: 'ap-south-1' });
      expect(await authorizationOf(custom)).toMatch(
        /Credential=AKIDFROMCHAIN\/\d{8}\/ap-south-1\/execute-api\//,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each([
    [{ endpoint: 'https://cutover.example.com' }, 'cannot tell the AWS region of cutover.example.com'],
    [{ endpoint: ENDPOINT, token: 't' }, '--token is for the local cloud'],
    [{ endpoint: 'not a url' }, '--endpoint must be a URL'],
    [{ endpoint: 'ftp://127.0.0.1' }, '--endpoint must be an http:// or https:// URL'],
  ])('refuses %j as bad usage', (values, words) => {
    expect(() => clientFrom(values, {})).toThrow(UsageError);
    expect(() => clientFrom(values, {})).toThrow(words);
  });

  it('sends the operator as X-Cutover-Actor, spelled as the API accepts it', async () => {
    expect(operatorActor()).toMatch(/^operator:[A-Za-z0-9._@+-]{1,91}$/);
    const request = await clientFrom({ token: 't' }, {}).prepare('GET', '/services');
    expect(request.headers['x-cutover-actor']).toBe(operatorActor());
    expect(request.headers['content-type']).toBe('application/json');
  });
});

describe('reportApiFailure', () => {
  const capture = (json: boolean): Output & { lines: string[] } => {
    const lines: string[] = [];
    return { json, lines, out: (l) => lines.push(`out ${l}`), err: (l) => lines.push(`err ${l}`) };
  };
  const failure = new ApiFailure('Unprocessable', 'the request is not valid:\nimage: is a mutable tag', 2, {
    status: 422,
    problems: [
      { path: 'image', message: 'is a mutable tag' },
      { path: 'preset', message: 'unknown preset' },
    ],
  });

  it('prints the message and the problems it does not already list, and returns the exit code', () => {
    const io = capture(false);
    expect(reportApiFailure(failure, io)).toBe(2);
    expect(io.lines).toEqual([
      'err cutover: the request is not valid:\nimage: is a mutable tag',
      'err   preset: unknown preset',
    ]);
  });

  it('prints the error as the API gave it with --json', () => {
    const io = capture(true);
    expect(reportApiFailure(failure, io)).toBe(2);
    expect(JSON.parse(io.lines[0]!.slice(4))).toEqual({
      error: { code: 'Unprocessable', message: failure.message, problems: failure.extra.problems },
    });
  });
});

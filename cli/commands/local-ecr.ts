// Calls to the local cloud's ECR, signed as the AWS CLI signs them (SigV4, with the local
// cloud's administrator credentials): the endpoint answers nothing else, as AWS does not.

import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { BadInput } from '../errors.js';
import { send } from '../http-request.js';

/**
 * The local AWS endpoint answers only SigV4-signed requests, as AWS does: this one is signed
 * as the AWS CLI would sign it, with the local cloud's administrator credentials.
 */
async function signedRequest(endpoint: string, target: string, body: string) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    service: 'ecr',
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'CUTOVERCLI', secretAccessKey: 'local' },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, host: url.host },
    body,
  });
  // node:http sets Host from the URL, to the same value that was signed.
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

export async function callLocal(endpoint: string, target: string, body: unknown): Promise<unknown> {
  let response: Awaited<ReturnType<typeof send>>;
  const text = JSON.stringify(body);
  const headers = await signedRequest(endpoint, target, text);
  try {
    response = await send({ url: endpoint, method: 'POST', headers, body: text, timeoutMs: 30_000 });
  } catch {
    throw new Error(
      `no local cloud answers at ${endpoint}; start it with npm start (or cutover local start), or pass --data DIR if it keeps its data in another folder`,
    );
  }
  const payload = parseJson(response.text);
  if (!response.ok) {
    const message = payload.message ?? `the local cloud answered ${response.status}`;
    if (payload.__type === 'RepositoryNotFoundException') {
      throw new BadInput(
        `${message}; the local ECR has the repositories the catalog's images.repositories name`,
      );
    }
    if (payload.__type === 'ImageAlreadyExistsException')
      throw new BadInput(`${message}; push it under another tag, or push a new image`);
    throw new Error(message);
  }
  return payload;
}

/** An answer that is not JSON (not the local cloud's) carries no message. */
function parseJson(text: string): { __type?: string; message?: string } {
  try {
    return (JSON.parse(text) ?? {}) as { __type?: string; message?: string };
  } catch {
    return {};
  }
}

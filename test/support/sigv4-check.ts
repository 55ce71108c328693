// AWS's SigV4 check, written out from AWS's published steps, for local HTTP servers that stand
// in for AWS in tests and must refuse a request AWS would refuse. Neither moto_server nor the
// local cloud checks signatures, so the signed-request tests check them here.

import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
export const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Why AWS would refuse the request's signature for `service` (`s3`, `kms`, `states`), or
 * undefined if it would accept it: AWS's published SigV4 steps, written out here.
 */
export function signatureProblem(
  request: IncomingMessage,
  body: Buffer,
  secret: string,
  service: string,
): string | undefined {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      String(request.headers.authorization),
    );
  if (auth === null) return `no SigV4 Authorization header: ${request.headers.authorization}`;
  const [, , day, region, signedFor, signedHeaders, signature] = auth;
  if (signedFor !== service) return `signed for ${signedFor}, not ${service}`;
  // S3 requires the body's hash in a header; other services hash the body themselves.
  const sent = request.headers['x-amz-content-sha256'];
  const payloadHash = sent === undefined && service !== 's3' ? sha256(body) : String(sent);
  if (payloadHash !== sha256(body)) return 'x-amz-content-sha256 is not the hash of the body';
  const [path, search = ''] = request.url!.split('?');
  const query = new URLSearchParams(search);
  const canonicalQuery = [...query]
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a, x], [b, y]) => (a === b ? (x! < y! ? -1 : 1) : a! < b! ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const names = signedHeaders!.split(';');
  const required = ['host', 'x-amz-date', ...(service === 's3' ? ['x-amz-content-sha256'] : [])];
  for (const header of required) if (!names.includes(header)) return `${header} is not signed`;
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name]).trim()}\n`).join('');
  // Every service but S3 signs each path segment encoded once more than it is sent.
  const canonicalPath = service === 's3' ? path : path!.split('/').map(encode).join('/');
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const date = String(request.headers['x-amz-date']);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonicalRequest)].join('\n');
  const key = ['aws4_request'].reduce(
    (k, part) => hmac(k, part),
    hmac(hmac(hmac(`AWS4${secret}`, day!), region!), service),
  );
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  return expected === signature ? undefined : `signature ${signature} is not ${expected}`;
}

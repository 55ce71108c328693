// What S3 checks of an upload's bytes: the body of an `aws-chunked` upload decoded (with
// its trailing checksum), and every digest the request states (x-amz-content-sha256,
// Content-MD5, x-amz-checksum-*) compared with the bytes received, refused as S3 refuses
// a mismatch. A checksum algorithm the local S3 cannot compute is refused, never trusted.

import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import { S3Error } from '../errors.js';

export interface Upload {
  body: Buffer;
  /** The checksum the object carries: header name (`x-amz-checksum-crc32`) and base64 value. */
  checksum?: { header: string; value: string };
  /** Whether the request proved its body's integrity (Content-MD5 or an x-amz-checksum-*). */
  hasIntegrityCheck: boolean;
}

const ALGORITHMS: Record<string, (body: Buffer) => string> = {
  'x-amz-checksum-crc32': (b) => uint32(crc32(b)),
  'x-amz-checksum-crc32c': (b) => uint32(crc32c(b)),
  'x-amz-checksum-sha1': (b) => createHash('sha1').update(b).digest('base64'),
  'x-amz-checksum-sha256': (b) => createHash('sha256').update(b).digest('base64'),
};

export function readUpload(headers: IncomingHttpHeaders, raw: Buffer): Upload {
  const contentSha = String(headers['x-amz-content-sha256'] ?? '');
  const chunked =
    contentSha.startsWith('STREAMING-') || String(headers['content-encoding'] ?? '').includes('aws-chunked');
  const { body, trailers } = chunked ? decodeChunked(raw) : { body: raw, trailers: {} };
  if (/^[0-9a-f]{64}$/.test(contentSha) && createHash('sha256').update(body).digest('hex') !== contentSha)
    throw new S3Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  const md5 = headers['content-md5'];
  if (md5 !== undefined) {
    const expected = Buffer.from(String(md5), 'base64');
    if (expected.length !== 16)
      throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (!createHash('md5').update(body).digest().equals(expected))
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  const stated = Object.entries({ ...headers, ...trailers }).filter(
    ([name]) =>
      name.toLowerCase().startsWith('x-amz-checksum-') && name.toLowerCase() !== 'x-amz-checksum-type',
  );
  if (stated.length > 1)
    throw new S3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  let checksum: Upload['checksum'];
  for (const [name, value] of stated) {
    const header = name.toLowerCase();
    const compute = ALGORITHMS[header];
    if (compute === undefined)
      throw new S3Error(
        'NotImplemented',
        `the local S3 cannot verify ${header}; use CRC32, CRC32C, SHA1 or SHA256`,
        501,
      );
    if (compute(body) !== String(value))
      throw new S3Error(
        'BadDigest',
        `The ${header.slice('x-amz-checksum-'.length).toUpperCase()} you specified did not match the calculated checksum.`,
      );
    checksum = { header, value: String(value) };
  }
  return {
    body,
    ...(checksum ? { checksum } : {}),
    hasIntegrityCheck: md5 !== undefined || checksum !== undefined,
  };
}

/** `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n<trailer>:<value>\r\n\r\n`. */
function decodeChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let at = 0;
  const malformed = () => new S3Error('IncompleteBody', 'The aws-chunked body is malformed or incomplete.');
  for (;;) {
    const end = raw.indexOf('\r\n', at);
    if (end < 0) throw malformed();
    const size = parseInt(raw.subarray(at, end).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size)) throw malformed();
    at = end + 2;
    if (size === 0) break;
    if (at + size + 2 > raw.length) throw malformed();
    parts.push(raw.subarray(at, at + size));
    at += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(at).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

function uint32(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}

const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32c(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

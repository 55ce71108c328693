// Reading a request's body on the local AWS endpoint, bounded: at most MAX_BODY bytes as sent,
// and, for a body the SDK gzipped (it does for large ones, PutMetricData over 10 KiB, and says
// so in Content-Encoding), at most MAX_BODY bytes once
// inflated. The inflate is streamed and stopped as soon as its output passes the limit, so a
// small gzip bomb (a few hundred KB that would inflate to gigabytes) costs the process at most
// the limit in memory, never the bomb's size.

import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { BodyTooLarge, BodyUnreadable } from '../errors.js';

/** The most a request body may hold, as sent or once inflated. */
export const MAX_BODY = 16 * 1024 * 1024;
const LIMIT = `${MAX_BODY / 1024 / 1024} MiB`;

/**
 * The body's bytes, inflated when `inflate` is set and the body says it is gzip-encoded. Rejects
 * with BodyTooLarge past the limit: a raw body over it is cut off (the connection is closed), an
 * inflated one stops inflating at once and the rest of what was sent is read and dropped, so the
 * 413 reaches the caller.
 */
export function readBody(req: IncomingMessage, inflate: boolean): Promise<Buffer> {
  const gunzip = inflate && req.headers['content-encoding'] === 'gzip' ? createGunzip() : null;
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let sentBytes = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      kept.length = 0;
      gunzip?.destroy();
      reject(error);
    };
    const keep = (chunk: Buffer) => {
      if (settled) return;
      keptBytes += chunk.length;
      if (keptBytes <= MAX_BODY) return void kept.push(chunk);
      fail(
        new BodyTooLarge(
          `the request body inflates to over ${LIMIT}, the most the local AWS endpoint accepts once a ` +
            'gzip-encoded body is decoded; send less in one request',
        ),
      );
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(kept));
    };
    req.on('data', (chunk: Buffer) => {
      sentBytes += chunk.length;
      if (sentBytes > MAX_BODY) {
        fail(new BodyTooLarge(`the request body is over ${LIMIT}, the most the local AWS endpoint accepts`));
        req.destroy();
        return;
      }
      if (settled) return;
      if (gunzip === null) keep(chunk);
      else gunzip.write(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      if (gunzip === null) finish();
      else gunzip.end();
    });
    req.on('error', (error) =>
      fail(new BodyUnreadable(`the request body could not be read: ${error.message}`)),
    );
    gunzip?.on('data', keep);
    gunzip?.on('end', finish);
    gunzip?.on('error', () =>
      fail(
        new BodyUnreadable('the body says it is gzip-encoded (Content-Encoding: gzip) but does not decode'),
      ),
    );
  });
}

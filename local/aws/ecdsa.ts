// ECDSA over NIST P-256 for a digest the caller has already hashed, as KMS's Sign and Verify
// take it with MessageType DIGEST. node:crypto always hashes what it signs, so signing a
// digest is done here, in plain BigInt arithmetic; RAW messages go through node:crypto. The
// signature is DER-encoded (a SEQUENCE of two INTEGERs), as KMS returns it.

import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const A = P - 3n;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G: Point = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

interface Point {
  x: bigint;
  y: bigint;
}

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(p: Point | null, q: Point | null): Point | null {
  if (p === null) return q;
  if (q === null) return p;
  if (p.x === q.x && mod(p.y + q.y, P) === 0n) return null;
  const slope =
    p.x === q.x
      ? mod((3n * p.x * p.x + A) * inverse(2n * p.y, P), P)
      : mod((q.y - p.y) * inverse(q.x - p.x, P), P);
  const x = mod(slope * slope - p.x - q.x, P);
  return { x, y: mod(slope * (p.x - x) - p.y, P) };
}

function multiply(k: bigint, point: Point): Point | null {
  let result: Point | null = null;
  let addend: Point | null = point;
  for (let n = k; n > 0n; n >>= 1n) {
    if (n & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const fromBase64Url = (text: string) => toBigInt(Buffer.from(text, 'base64url'));

/** Signs a 32-byte SHA-256 digest with a P-256 private key; the signature is DER. */
export function signDigest(privateKey: KeyObject | string, digest: Uint8Array): Buffer {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const jwk = key.export({ format: 'jwk' });
  const d = fromBase64Url(jwk.d!);
  const e = toBigInt(digest);
  for (;;) {
    const k = mod(toBigInt(randomBytes(40)), N - 1n) + 1n;
    const r = mod(multiply(k, G)!.x, N);
    if (r === 0n) continue;
    const s = mod(inverse(k, N) * (e + r * d), N);
    if (s === 0n) continue;
    return der(r, s);
  }
}

/** Whether a DER signature is valid for a 32-byte digest under a P-256 public key. */
export function verifyDigest(
  publicKey: KeyObject | string,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const parsed = parseDer(Buffer.from(signature));
  if (parsed === null) return false;
  const { r, s } = parsed;
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const jwk = key.export({ format: 'jwk' });
  const q = { x: fromBase64Url(jwk.x!), y: fromBase64Url(jwk.y!) };
  const w = inverse(s, N);
  const point = add(multiply(mod(toBigInt(digest) * w, N), G), multiply(mod(r * w, N), q));
  return point !== null && mod(point.x, N) === r;
}

function derInteger(value: bigint): Buffer {
  let bytes = Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
  while (bytes.length > 1 && bytes[0] === 0 && bytes[1]! < 0x80) bytes = bytes.subarray(1);
  if (bytes[0]! >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function der(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function parseDer(bytes: Buffer): { r: bigint; s: bigint } | null {
  if (bytes.length < 8 || bytes[0] !== 0x30 || bytes[1] !== bytes.length - 2) return null;
  const integers: bigint[] = [];
  let at = 2;
  for (let i = 0; i < 2; i++) {
    if (bytes[at] !== 0x02) return null;
    const length = bytes[at + 1]!;
    if (length === 0 || at + 2 + length > bytes.length) return null;
    integers.push(toBigInt(bytes.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return at === bytes.length ? { r: integers[0]!, s: integers[1]! } : null;
}

// Fault injection for the local AWS endpoint: with a given probability, a request is
// throttled, fails with a 500, or is answered late, as AWS sometimes does. The SDK's own
// retries and the state machines' Retry blocks are what keep a deployment going; the
// reliability suite turns this on to prove they do. Decisions come from a seeded generator,
// so a failing run can be replayed.

import type { WireResponse } from './json-protocol.js';

export type FaultKind = 'throttle' | 'error' | 'slow';

export interface FaultSettings {
  /** Probability, 0 to 1, that a request gets a fault. */
  rate: number;
  /** The faults to choose from, equally likely (default: all three). */
  kinds?: readonly FaultKind[];
  /** How late a slow answer is, in real milliseconds (default 200). */
  slowMs?: number;
  seed?: number;
}

export type Protocol = 'json' | 'query' | 'dynamodb';

export class FaultInjector {
  readonly counts: Record<FaultKind, number> = { throttle: 0, error: 0, slow: 0 };
  requests = 0;
  private state: number;

  constructor(readonly settings: FaultSettings) {
    if (!(settings.rate >= 0 && settings.rate <= 1))
      throw new Error('the fault rate must be between 0 and 1');
    this.state = (settings.seed ?? 1) >>> 0;
  }

  /** The fault for the next request, or null for none. */
  next(): FaultKind | null {
    this.requests += 1;
    if (this.random() >= this.settings.rate) return null;
    const kinds = this.settings.kinds ?? ['throttle', 'error', 'slow'];
    const kind = kinds[Math.floor(this.random() * kinds.length)]!;
    this.counts[kind] += 1;
    return kind;
  }

  get slowMs(): number {
    return this.settings.slowMs ?? 200;
  }

  /** mulberry32: small, fast, and the same sequence for the same seed. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * The answer AWS gives when it throttles a caller or fails inside, in each protocol's
 * shape, so the SDK raises the same exception (and retries it) as it would on AWS.
 */
export function faultResponse(
  kind: 'throttle' | 'error',
  protocol: Protocol,
  contentType: string,
): WireResponse {
  const throttle = kind === 'throttle';
  const status = throttle ? 400 : 500;
  const message = throttle ? 'Rate exceeded' : 'We encountered an internal error. Please try again.';
  const requestId = crypto.randomUUID();
  if (protocol === 'query') {
    const [type, code] = throttle ? ['Sender', 'Throttling'] : ['Receiver', 'InternalFailure'];
    const body =
      `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
  }
  const code =
    protocol === 'dynamodb'
      ? throttle
        ? 'com.amazonaws.dynamodb.v20120810#ThrottlingException'
        : 'com.amazon.coral.service#InternalFailure'
      : throttle
        ? 'ThrottlingException'
        : 'InternalFailure';
  return {
    status,
    headers: {
      'content-type': contentType,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': code.split('#').at(-1)!,
    },
    body: JSON.stringify({ __type: code, message }),
  };
}

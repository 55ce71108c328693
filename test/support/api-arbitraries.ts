// Generated API requests for fuzzing: random methods, paths built from the route shapes
// with random segments, random JSON-ish bodies (deep nesting, huge numbers, invalid Unicode),
// and requests that are nearly valid.

import fc from 'fast-check';
import type { ApiRequest } from '../../shared/api/request.js';
import { AWAITING_APPROVAL, BAKING, PROMOTED, SERVICES } from './api-fuzz-world.js';
import { DIGEST, REGISTRY } from '../../harness/engine.js';

const json = (value: unknown) => fc.constant(JSON.stringify(value));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** Text that is sometimes not valid Unicode: a lone surrogate among ordinary code points. */
const anyText = fc.string({
  unit: fc.oneof(
    { weight: 5, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: loneSurrogate },
  ),
  maxLength: 30,
});
const anyJson = fc.jsonValue({ maxDepth: 3 });
const deep = fc.integer({ min: 1, max: 3000 });
const HUGE_NUMBERS = [
  '1e400',
  '-1e400',
  '1e-400',
  '-0',
  '9007199254740993',
  '123456789012345678901234567890',
];

const images = fc.oneof(
  fc
    .constantFrom(...SERVICES)
    .chain((s) =>
      fc.constantFrom(
        `${REGISTRY}/${s === 'worker' ? 'platform/worker' : s}@${DIGEST(7)}`,
        `${s}:v2`,
        s,
        `${s}@sha256:${'A'.repeat(64)}`,
        `${s}@sha512:${'a'.repeat(128)}`,
        `${s}@sha256:abc`,
      ),
    ),
  anyText,
  anyJson,
);

const fields = fc.record(
  {
    service: fc.oneof(fc.constantFrom(...SERVICES, '__proto__', 'constructor', 'WEB'), anyText, anyJson),
    image: images,
    strategy: fc.oneof(
      fc.constantFrom('blue-green', 'canary', 'linear', 'all-at-once', 'rolling', 'Linear'),
      anyJson,
    ),
    preset: fc.oneof(
      fc.constantFrom('AllAtOnce', 'Canary10Percent5Minutes', 'Linear10PercentEvery3Minutes', 'Canary99'),
      anyJson,
    ),
    batchPercent: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.double(), anyJson),
    reason: fc.oneof(anyText, anyJson),
    full: fc.oneof(fc.boolean(), anyJson),
    to: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double(), anyJson),
    trigger: fc.constantFrom('rollback', 'push'),
    actor: anyText,
    extra: anyJson,
  },
  { requiredKeys: [] },
);

const bodies: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', '\uFEFF') },
  { weight: 8, arbitrary: fields.map((f) => JSON.stringify(f)) },
  { weight: 3, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: deep.map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
  { weight: 1, arbitrary: deep.map((n) => `{"reason":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('batchPercent', 'to', 'full', 'reason'), fc.constantFrom(...HUGE_NUMBERS))
      .map(
        ([key, n]) => `{"service":"worker","image":"${REGISTRY}/platform/worker@${DIGEST(9)}","${key}":${n}}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{', '{"service":', '{"a":1,}', '{"a":NaN}', "{'a':1}", 'null', '[]', '7'),
  },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ reason: 'r'.repeat(17_000) })) },
  { weight: 1, arbitrary: json({ service: 'worker', image: `${REGISTRY}/platform/worker@${DIGEST(8)}` }) },
);

const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(PROMOTED, BAKING, AWAITING_APPROVAL, ...SERVICES) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      '..',
      '.',
      '%2e%2e',
      '%2f',
      '%2F',
      '%',
      '%zz',
      '%00',
      '%0a',
      '%7f',
      '%5c',
      '%ed%a0%80',
      '',
      'a'.repeat(81),
      'a'.repeat(400),
      'WEB',
    ),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/) },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: anyText.map((t) => encodeURIComponent(t.replace(/\p{Surrogate}/gu, ''))) },
);
const action = fc.oneof(fc.constantFrom('approve', 'promote', 'abort'), segment);
const servicePart = fc.oneof(fc.constantFrom('releases', 'verify', 'rollback', 'drift'), segment);

const paths: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.constant('/deployments'),
      segment.map((id) => `/deployments/${id}`),
      fc.tuple(segment, action).map(([id, a]) => `/deployments/${id}/${a}`),
      fc.constant('/services'),
      segment.map((name) => `/services/${name}`),
      fc.tuple(segment, servicePart).map(([name, part]) => `/services/${name}/${part}`),
      fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
      anyText,
    ),
    fc.constantFrom('', '', '', '/', '//', '?x=1', '/extra', '#frag'),
    fc.constantFrom('', '', '', '/'),
  )
  .map(([path, suffix, prefix]) => `${prefix}${path}${suffix}`);

const methods = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'POST') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'get', 'post') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

const contentTypes = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'text/plain',
      'application/xml',
      '',
      'APPLICATION/JSON',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** What the local server lets through as X-Cutover-Actor (IAM ARNs on AWS fit it too). */
const actors = fc.oneof(fc.constant('operator:fuzz'), fc.stringMatching(/^[A-Za-z0-9:._@/+-]{1,100}$/));

/** Requests close to valid ones, so that 2xx answers (and their changes) are reached too. */
const nearlyValid = fc.oneof(
  fc.record({
    method: fc.constant('POST'),
    path: fc.constantFrom('/deployments', '/deployments/'),
    contentType: contentTypes,
    body: fc
      .record(
        {
          batchPercent: fc.oneof(fc.integer({ min: -1, max: 101 }), anyJson),
          reason: anyText,
          strategy: fc.constantFrom('rolling', 'linear', 'canary'),
        },
        { requiredKeys: [] },
      )
      .map((extra) =>
        JSON.stringify({ service: 'worker', image: `${REGISTRY}/platform/worker@${DIGEST(8)}`, ...extra }),
      )
      .chain((body) => fc.constantFrom(body, body, body, `${body}${' '.repeat(17_000)}`)),
    actor: actors,
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc
      .tuple(
        fc.constantFrom(PROMOTED, BAKING, AWAITING_APPROVAL),
        fc.constantFrom('approve', 'promote', 'abort'),
      )
      .map(([id, a]) => `/deployments/${id}/${a}`),
    contentType: contentTypes,
    body: fc.oneof(
      fc.constant(undefined),
      fc.record({ reason: anyText, full: fc.boolean() }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
    ),
    actor: actors,
  }),
  fc.record({
    method: fc.constantFrom('GET', 'POST'),
    path: fc
      .tuple(fc.constantFrom(...SERVICES), fc.constantFrom('', '/releases', '/verify', '/drift', '/rollback'))
      .map(([name, part]) => `/services/${name}${part}`),
    contentType: contentTypes,
    body: fc.oneof(
      fc.constant(undefined),
      fc
        .record({ to: fc.integer({ min: 0, max: 3 }), reason: anyText }, { requiredKeys: [] })
        .map((b) => JSON.stringify(b)),
    ),
    actor: actors,
  }),
);

export const requests: fc.Arbitrary<ApiRequest> = fc
  .oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        method: methods,
        path: paths,
        contentType: contentTypes,
        body: bodies,
        actor: actors,
      }),
    },
    { weight: 1, arbitrary: nearlyValid },
  )
  .map(({ method, path, contentType, body, actor }) => ({
    method,
    path,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    body,
    actor,
  }));

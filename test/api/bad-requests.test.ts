// A corpus of bad requests, sent over real HTTP to the local API server of a real local
// cloud (test/fixtures/local/scenarios.yml). Each one must be answered with a 4xx, never a
// 5xx, and a JSON body {"error": {"code", "message"}} whose message says what is wrong; and
// after the whole corpus nothing may have been written: every service's ledger, the
// deployments table and the Step Functions executions are exactly as before.
//
// Requests go out on a raw socket, byte for byte: an HTTP client would normalise the very
// paths (`/services/../deployments`, `//services`) and bodies this corpus is about.

import { connect } from 'node:net';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENTS_TABLE, LEDGER_TABLE } from '../../local/cloud.js';
import { freePort } from '../support/emulators.js';
import { startCloud, type CloudHandle } from '../support/local-cloud.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';
const IMAGE = `${REGISTRY}/linear@${DIGEST}`;
/** A request that would start a deployment of `linear`: most cases break exactly one thing in it. */
const DEPLOY = { service: 'linear', image: IMAGE };
const DEPLOY_BODY = JSON.stringify(DEPLOY);
/** No such deployment: an action's body is checked before the deployment is looked up. */
const NO_SUCH_DEPLOYMENT = 'linear-000000000000-nope';

type Header = string | string[] | null;

interface RawRequest {
  method: string;
  /** Sent as is, byte for byte (latin1). */
  path: string;
  body?: string | Buffer;
  /** Replace or (with null) remove the defaults: a valid token, a JSON content type, an actor. */
  headers?: Record<string, Header | ((token: string) => Header)>;
}

interface BadRequest extends RawRequest {
  name: string;
  status: number;
  code: string;
  /** What the message must say. */
  says: RegExp;
  /** The `problems[].path` that must be named, for bodies that do not fit. */
  problem?: string;
  /** The Allow header of a 405. */
  allow?: string;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

// ------------------------------------------------------------------------------ the corpus

const post = (name: string, path: string, body: unknown, expected: Expected): BadRequest => ({
  name,
  method: 'POST',
  path,
  body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  ...expected,
});
const get = (name: string, path: string, expected: Expected): BadRequest => ({
  name,
  method: 'GET',
  path,
  ...expected,
});

type Expected = Pick<BadRequest, 'status' | 'code' | 'says'> & Partial<BadRequest>;
const badRequest = (says: RegExp): Expected => ({ status: 400, code: 'BadRequest', says });
const notFound = (says: RegExp): Expected => ({ status: 404, code: 'NotFound', says });
const unprocessable = (problem: string, says: RegExp = new RegExp(`^${escape(problem)}: `, 'm')) => ({
  status: 422,
  code: 'Unprocessable',
  says,
  problem,
});

const control = (field: string, description: string): Expected =>
  badRequest(
    new RegExp(
      `^${escape(field)} has the control character ${escape(description)} at index \\d+; send plain text`,
    ),
  );

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const describeValue = (value: unknown) =>
  Array.isArray(value)
    ? `array ${JSON.stringify(value)}`
    : `${value === null ? 'null' : typeof value} ${JSON.stringify(value)}`;

const unauthorized: Expected = { status: 401, code: 'Unauthorized', says: /Bearer <token>/ };
const AUTHORIZATIONS: [string, Header | ((token: string) => Header)][] = [
  ['no Authorization header', null],
  ['a wrong token of the same length', (t) => `Bearer ${t.replace(/./g, (c) => (c === '0' ? '1' : '0'))}`],
  ['a token one character short', (t) => `Bearer ${t.slice(0, -1)}`],
  ['a token one character long', (t) => `Bearer ${t}0`],
  ['a token of a different length', () => 'Bearer 0123456789abcdef'],
  ['the token without "Bearer"', (t) => t],
  ['the token as Basic credentials', (t) => `Basic ${Buffer.from(`cutover:${t}`).toString('base64')}`],
  ['"Bearer" with no token', () => 'Bearer'],
  ['"Bearer" and spaces, no token', () => 'Bearer  '],
  ['the token followed by another word', (t) => `Bearer ${t} extra`],
  ['the token in uppercase', (t) => `Bearer ${t.toUpperCase()}`],
  ['the token in quotes', (t) => `Bearer "${t}"`],
];
const authCases: BadRequest[] = AUTHORIZATIONS.map(([name, authorization]) =>
  post(`auth: ${name}`, '/deployments', DEPLOY, { ...unauthorized, headers: { authorization } }),
);
authCases.push(
  get('auth: no token on a route that does not exist', '/nowhere', {
    ...unauthorized,
    headers: { authorization: null },
  }),
  get('auth: the token in the query string instead of the header', '/services?token=x', {
    ...unauthorized,
    headers: { authorization: null },
  }),
);

const ACTORS: [string, Header][] = [
  ['a space', 'operator: ana'],
  ['a semicolon', 'operator:ana;rm'],
  ['angle brackets', '<script>'],
  ['quotes', 'operator:"ana"'],
  ['a backslash', 'operator:ana\\bob'],
  ['an asterisk', 'operator:*'],
  ['a comma', 'operator:ana,operator:bob'],
  ['a latin-1 letter', 'operator:j\xe9r\xf4me'],
  ['nothing', ''],
  ['101 characters', `operator:${'a'.repeat(92)}`],
  ['two X-Cutover-Actor headers', ['operator:ana', 'operator:bob']],
];
const actorCases: BadRequest[] = ACTORS.map(([name, actor]) =>
  post(`X-Cutover-Actor with ${name}`, '/deployments', DEPLOY, {
    ...badRequest(/X-Cutover-Actor must be 1 to 100 letters/),
    headers: { 'x-cutover-actor': actor },
  }),
);

const notJson = badRequest(/the body is not valid JSON/);
const malformedJsonCases: BadRequest[] = [
  ['truncated in a string', `{"service":"linear","image":"linear@sha256:aaaa`],
  ['only an opening brace', '{'],
  ['a trailing comma in the object', '{"service":"linear","image":"x",}'],
  ['a trailing comma in an array', `{"service":"linear","image":"x","batchPercent":[1,2,]}`],
  ['NaN', `{"service":"linear","image":"x","batchPercent":NaN}`],
  ['Infinity', `{"service":"linear","image":"x","batchPercent":Infinity}`],
  ['-Infinity', `{"service":"linear","image":"x","batchPercent":-Infinity}`],
  ['a line comment', `${DEPLOY_BODY} // deploy linear`],
  ['a block comment', `/* deploy */ ${DEPLOY_BODY}`],
  ['a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(DEPLOY_BODY)])],
  ['binary bytes', Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x7b, 0x01, 0x02, 0xc3, 0x28])],
  ['a gzip stream', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03])],
  ['UTF-16 text', Buffer.from(DEPLOY_BODY, 'utf16le')],
  ['single quotes', `{'service':'linear','image':'${IMAGE}'}`],
  ['unquoted keys', `{service:"linear",image:"${IMAGE}"}`],
  ['a missing comma', `{"service":"linear" "image":"${IMAGE}"}`],
  ['two objects', `${DEPLOY_BODY}${DEPLOY_BODY}`],
  ['an extra closing brace', `${DEPLOY_BODY}}`],
  ['a hex number', `{"service":"linear","image":"${IMAGE}","batchPercent":0x32}`],
  ['a number with a leading zero', `{"service":"linear","image":"${IMAGE}","batchPercent":050}`],
  ['an invalid escape', `{"service":"linear","image":"${IMAGE}","reason":"\\x41"}`],
  ['a raw control character in a string', `{"service":"linear","image":"${IMAGE}","reason":"a\u0001b"}`],
  ['undefined', 'undefined'],
  ['a key without a value', '{"service"}'],
].map(([name, body]) => post(`malformed JSON: ${name as string}`, '/deployments', body, notJson));
malformedJsonCases.push(
  post(
    'malformed JSON on approve: unquoted key',
    `/deployments/${NO_SUCH_DEPLOYMENT}/approve`,
    '{reason:"ok"}',
    notJson,
  ),
  post(
    'malformed JSON on promote: Python True',
    `/deployments/${NO_SUCH_DEPLOYMENT}/promote`,
    '{"full": True}',
    notJson,
  ),
  post(
    'malformed JSON on abort: truncated',
    `/deployments/${NO_SUCH_DEPLOYMENT}/abort`,
    '{"reason":"x',
    notJson,
  ),
  post('malformed JSON on rollback: trailing comma', '/services/linear/rollback', '{"to": 1,}', notJson),
);

const notAnObject = badRequest(/the body must be a JSON object/);
const notObjectCases: BadRequest[] = [
  ...(
    [
      ['an empty array', '[]'],
      ['an array holding the request', `[${DEPLOY_BODY}]`],
      ['a string', '"linear"'],
      ['a number', '42'],
      ['a negative float', '-1.5e3'],
      ['null', 'null'],
      ['true', 'true'],
      ['false', 'false'],
      ['arrays nested 5000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ] as const
  ).map(([name, body]) => post(`not an object (deploy): ${name}`, '/deployments', body, notAnObject)),
  post('not an object (approve): an array', `/deployments/${NO_SUCH_DEPLOYMENT}/approve`, '[]', notAnObject),
  post('not an object (promote): true', `/deployments/${NO_SUCH_DEPLOYMENT}/promote`, 'true', notAnObject),
  post('not an object (abort): a string', `/deployments/${NO_SUCH_DEPLOYMENT}/abort`, '"abort"', notAnObject),
  post('not an object (abort): null', `/deployments/${NO_SUCH_DEPLOYMENT}/abort`, 'null', notAnObject),
  post('not an object (rollback): an array', '/services/linear/rollback', '[1]', notAnObject),
  post('not an object (rollback): a number', '/services/linear/rollback', '1', notAnObject),
];

/** Every field of POST /deployments × every type it must not have. */
const WRONG_TYPES: Record<string, unknown[]> = {
  service: [7, true, null, [], {}, ['linear']],
  image: [7, false, null, [IMAGE], { repository: 'linear', digest: DIGEST }],
  strategy: [1, true, null, ['linear'], {}],
  preset: [5, false, null, [], {}],
  batchPercent: ['50', 50.5, true, null, [50], {}],
  reason: [1, true, null, [], {}],
};
const wrongTypeCases: BadRequest[] = Object.entries(WRONG_TYPES).flatMap(([field, values]) =>
  values.map((value) =>
    post(
      `deploy: ${field} is ${describeValue(value)}`,
      '/deployments',
      { ...DEPLOY, [field]: value },
      unprocessable(field),
    ),
  ),
);
for (const action of ['approve', 'promote', 'abort']) {
  for (const value of [1, true, null, [], {}]) {
    wrongTypeCases.push(
      post(
        `${action}: reason is ${describeValue(value)}`,
        `/deployments/${NO_SUCH_DEPLOYMENT}/${action}`,
        { reason: value },
        unprocessable('reason'),
      ),
    );
  }
}
for (const value of ['true', 1, 0, null, [true], {}]) {
  wrongTypeCases.push(
    post(
      `promote: full is ${describeValue(value)}`,
      `/deployments/${NO_SUCH_DEPLOYMENT}/promote`,
      { full: value },
      unprocessable('full'),
    ),
  );
}
for (const value of ['1', 1.5, 0, -1, true, null, [1], {}]) {
  wrongTypeCases.push(
    post(
      `rollback: to is ${describeValue(value)}`,
      '/services/linear/rollback',
      { to: value },
      unprocessable('to'),
    ),
  );
}
for (const value of [5, false, null, [], {}]) {
  wrongTypeCases.push(
    post(
      `rollback: reason is ${describeValue(value)}`,
      '/services/linear/rollback',
      { reason: value },
      unprocessable('reason'),
    ),
  );
}
wrongTypeCases.push(
  post(
    'deploy: batchPercent is 1e400 (Infinity)',
    '/deployments',
    DEPLOY_BODY.replace('}', ',"batchPercent":1e400}'),
    unprocessable('batchPercent'),
  ),
  post('rollback: to is 1e400 (Infinity)', '/services/linear/rollback', '{"to":1e400}', unprocessable('to')),
  post(
    'rollback: to is 2^53 (not a safe integer)',
    '/services/linear/rollback',
    { to: 2 ** 53 },
    unprocessable('to'),
  ),
  post(
    'deploy: reason is an object nested 2000 deep',
    '/deployments',
    DEPLOY_BODY.replace('}', `,"reason":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`),
    unprocessable('reason'),
  ),
);

const missingCases: BadRequest[] = [
  post('missing: an empty object', '/deployments', {}, unprocessable('service', /^service: is required$/m)),
  post(
    'missing: the image',
    '/deployments',
    { service: 'linear' },
    unprocessable('image', /^image: is required$/m),
  ),
  post(
    'missing: the service',
    '/deployments',
    { image: IMAGE },
    unprocessable('service', /^service: is required$/m),
  ),
  post('missing: no body at all', '/deployments', '', unprocessable('image', /^image: is required$/m)),
  post(
    'missing: a body of whitespace',
    '/deployments',
    ' \n\t ',
    unprocessable('service', /^service: is required$/m),
  ),
  post('empty: service ""', '/deployments', { ...DEPLOY, service: '' }, unprocessable('service')),
  post(
    'too long: service of 41 characters',
    '/deployments',
    { ...DEPLOY, service: 'l'.repeat(41) },
    unprocessable('service'),
  ),
  post('empty: image ""', '/deployments', { ...DEPLOY, image: '' }, unprocessable('image')),
  post(
    'too long: image of 1025 characters',
    '/deployments',
    { ...DEPLOY, image: `linear:${'v'.repeat(1018)}` },
    unprocessable('image'),
  ),
  post(
    'too long: strategy of 41 characters',
    '/deployments',
    { ...DEPLOY, strategy: 's'.repeat(41) },
    unprocessable('strategy'),
  ),
  post(
    'too long: preset of 61 characters',
    '/deployments',
    { ...DEPLOY, preset: 'P'.repeat(61) },
    unprocessable('preset'),
  ),
  post('empty: reason ""', '/deployments', { ...DEPLOY, reason: '' }, unprocessable('reason')),
  post('empty: reason of only spaces', '/deployments', { ...DEPLOY, reason: '   ' }, unprocessable('reason')),
  post(
    'too long: reason of 1001 characters',
    '/deployments',
    { ...DEPLOY, reason: 'r'.repeat(1001) },
    unprocessable('reason'),
  ),
  post(
    'invalid Unicode: reason with a lone surrogate (deploy)',
    '/deployments',
    DEPLOY_BODY.replace('}', ',"reason":"\\ud800"}'),
    unprocessable('reason', /^reason: .*surrogate/m),
  ),
  post(
    'invalid Unicode: reason with a lone surrogate (abort)',
    `/deployments/${NO_SUCH_DEPLOYMENT}/abort`,
    '{"reason":"stop \\udfff"}',
    unprocessable('reason', /^reason: .*surrogate/m),
  ),
  post(
    'invalid Unicode: reason with a lone surrogate (rollback)',
    '/services/linear/rollback',
    '{"reason":"\\ud83d"}',
    unprocessable('reason', /^reason: .*surrogate/m),
  ),
  post(
    'empty: approve reason ""',
    `/deployments/${NO_SUCH_DEPLOYMENT}/approve`,
    { reason: '' },
    unprocessable('reason'),
  ),
  post(
    'too long: abort reason of 1001 characters',
    `/deployments/${NO_SUCH_DEPLOYMENT}/abort`,
    { reason: 'r'.repeat(1001) },
    unprocessable('reason'),
  ),
  post(
    'a rollback reason of only a newline (a line break is a control character)',
    '/services/linear/rollback',
    { reason: '\n' },
    control('reason', 'U+000A (LF)'),
  ),
];

const unknownField = (key: string) => unprocessable('', new RegExp(`unknown field "${escape(key)}"`));
const unknownFieldCases: BadRequest[] = [
  post('unknown field: force', '/deployments', { ...DEPLOY, force: true }, unknownField('force')),
  post(
    'unknown field: trigger (only rollbacks set it)',
    '/deployments',
    { ...DEPLOY, trigger: 'rollback' },
    unknownField('trigger'),
  ),
  post(
    'unknown field: actor (the header says who acts)',
    '/deployments',
    { ...DEPLOY, actor: 'operator:mallory' },
    unknownField('actor'),
  ),
  post('unknown field: rollbackOf', '/deployments', { ...DEPLOY, rollbackOf: 1 }, unknownField('rollbackOf')),
  post(
    'unknown field: pushedAt',
    '/deployments',
    { ...DEPLOY, pushedAt: '2026-01-01T00:00:00Z' },
    unknownField('pushedAt'),
  ),
  post(
    'unknown field: Service, capitalised',
    '/deployments',
    { Service: 'linear', service: 'linear', image: IMAGE },
    unknownField('Service'),
  ),
  post(
    'unknown field: __proto__',
    '/deployments',
    DEPLOY_BODY.replace('}', ',"__proto__":{"trigger":"rollback"}}'),
    unknownField('__proto__'),
  ),
  post(
    'unknown field: constructor',
    '/deployments',
    { ...DEPLOY, constructor: {} },
    unknownField('constructor'),
  ),
  post(
    'unknown field: full on approve',
    `/deployments/${NO_SUCH_DEPLOYMENT}/approve`,
    { full: true },
    unknownField('full'),
  ),
  post(
    'unknown field: full on abort',
    `/deployments/${NO_SUCH_DEPLOYMENT}/abort`,
    { full: true },
    unknownField('full'),
  ),
  post(
    'unknown field: fullPromote on promote',
    `/deployments/${NO_SUCH_DEPLOYMENT}/promote`,
    { fullPromote: true },
    unknownField('fullPromote'),
  ),
  post(
    'unknown field: release on rollback',
    '/services/linear/rollback',
    { release: 1 },
    unknownField('release'),
  ),
  post(
    'unknown field: image on rollback',
    '/services/linear/rollback',
    { image: IMAGE },
    unknownField('image'),
  ),
];

const imageCases: BadRequest[] = (
  [
    ['a tag (web:v2)', 'linear:v2', /is a mutable tag/],
    ['a bare repository (web)', 'linear', /reads it as "linear:latest", a mutable tag/],
    ['the latest tag', 'linear:latest', /is a mutable tag/],
    ['a tag on the ECR registry', `${REGISTRY}/linear:v2`, /is a mutable tag.*aws ecr describe-images/],
    ['an uppercase repository', `Linear@${DIGEST}`, /uppercase letters in the repository/],
    ['a sha512 digest', `linear@sha512:${'a'.repeat(128)}`, /digest algorithm "sha512"/],
    ['a short digest', 'linear@sha256:abc123', /digest of 6 hex digits/],
    ['a 65-digit digest', `linear@sha256:${'a'.repeat(65)}`, /digest of 65 hex digits/],
    ['uppercase hex', `linear@sha256:${'A'.repeat(64)}`, /uppercase hex in its digest/],
    ['a digest without its algorithm', `linear@${'a'.repeat(64)}`, /without its algorithm/],
    ['an @ with nothing after it', 'linear@', /no digest after it/],
    ['non-hex digits', `linear@sha256:${'g'.repeat(64)}`, /non-hex characters/],
    ['whitespace', `linear @${DIGEST}`, /whitespace/],
    ['two digests', `linear@${DIGEST}@${DIGEST}`, /more than one '@'/],
    ['an empty tag before the digest', `linear:@${DIGEST}`, /no tag after it/],
  ] as const
).map(([name, image, says]) =>
  post(`image: ${name}`, '/deployments', { ...DEPLOY, image }, unprocessable('image', says)),
);
for (const [name, image] of [
  ['another service’s repository', `canary@${DIGEST}`],
  ['another service’s repository on the ECR registry', `${REGISTRY}/bluegreen@${DIGEST}`],
  ['a namespaced repository', `team/linear@${DIGEST}`],
  ['a repository whose name starts the same', `linear-app@${DIGEST}`],
]) {
  imageCases.push(
    post(
      `image: ${name!}`,
      '/deployments',
      { ...DEPLOY, image },
      unprocessable('image', /is not allowed for this service; allowed: linear/),
    ),
  );
}

for (const [name, image] of [
  ['no registry', `linear@${DIGEST}`],
  ['a foreign registry with the same repository name', `evil.example.com/linear@${DIGEST}`],
  ['Docker Hub', `docker.io/linear@${DIGEST}`],
  ['an ECR public registry', `public.ecr.aws/linear@${DIGEST}`],
  ['a lookalike ECR host', `000000000000.dkr.ecr.us-east-1.amazonaws.com.evil.example/linear@${DIGEST}`],
]) {
  imageCases.push(
    post(
      `image: ${name!}`,
      '/deployments',
      { ...DEPLOY, image },
      unprocessable('image', /must come from an Amazon ECR private registry/),
    ),
  );
}

// Registry pinning: the catalog's services take images from the local cloud's own registry only.
for (const [name, image] of [
  ['another account’s ECR registry', `999999999999.dkr.ecr.us-east-1.amazonaws.com/linear@${DIGEST}`],
  ['another region’s ECR registry', `000000000000.dkr.ecr.eu-west-1.amazonaws.com/linear@${DIGEST}`],
  ['another account and region', `999999999999.dkr.ecr.eu-west-1.amazonaws.com/linear@${DIGEST}`],
]) {
  imageCases.push(
    post(
      `image: ${name!}`,
      '/deployments',
      { ...DEPLOY, image },
      unprocessable(
        'image',
        /deploys only from the registry 000000000000\.dkr\.ecr\.us-east-1\.amazonaws\.com/,
      ),
    ),
  );
}

const noService = /no service ".*" in the catalog; it has: linear, canary, allatonce, bluegreen, rolling/;
const unknownServiceCases: BadRequest[] = [
  ...['nope', 'LINEAR', 'linear ', '__proto__', 'constructor', 'toString', 'hasOwnProperty'].map((service) =>
    post(
      `unknown service in the body: ${JSON.stringify(service)}`,
      '/deployments',
      { ...DEPLOY, service },
      notFound(noService),
    ),
  ),
  get('unknown service in the path: GET /services/nope', '/services/nope', notFound(noService)),
  get('unknown service in the path: releases', '/services/nope/releases', notFound(noService)),
  get('unknown service in the path: verify', '/services/nope/verify', notFound(noService)),
  get('unknown service in the path: ledger', '/services/nope/ledger', notFound(noService)),
  get('unknown service in the path: drift', '/services/nope/drift', notFound(noService)),
  post('unknown service in the path: rollback', '/services/nope/rollback', {}, notFound(noService)),
  get('unknown service in the path: __proto__', '/services/__proto__', notFound(noService)),
  get('unknown service in the path: constructor/verify', '/services/constructor/verify', notFound(noService)),
  post(
    'unknown service in the path: toString/rollback',
    '/services/toString/rollback',
    {},
    notFound(noService),
  ),
  get('unknown service in the path: LINEAR', '/services/LINEAR', notFound(noService)),
];

const noDeployment = /no deployment /;
const unknownDeploymentCases: BadRequest[] = [
  get('unknown deployment: GET', '/deployments/nope', notFound(/no deployment nope/)),
  get(
    'unknown deployment: a well-formed id',
    `/deployments/linear-aaaaaaaaaaaa-mjuohs00ed1ae7`,
    notFound(noDeployment),
  ),
  get('unknown deployment: __proto__', '/deployments/__proto__', notFound(noDeployment)),
  post(
    'unknown deployment: approve',
    `/deployments/${NO_SUCH_DEPLOYMENT}/approve`,
    {},
    notFound(noDeployment),
  ),
  post(
    'unknown deployment: promote',
    `/deployments/${NO_SUCH_DEPLOYMENT}/promote`,
    { full: true },
    notFound(noDeployment),
  ),
  post(
    'unknown deployment: abort',
    `/deployments/${NO_SUCH_DEPLOYMENT}/abort`,
    { reason: 'stop' },
    notFound(noDeployment),
  ),
  post(
    'unknown deployment: abort with no body',
    '/deployments/constructor/abort',
    '',
    notFound(noDeployment),
  ),
];

const planCases: BadRequest[] = [
  post(
    'strategy: unknown',
    '/deployments',
    { ...DEPLOY, strategy: 'blue-grean' },
    unprocessable('strategy', /^strategy: must be one of/m),
  ),
  post(
    'strategy: capitalised',
    '/deployments',
    { ...DEPLOY, strategy: 'Linear' },
    unprocessable('strategy', /^strategy: must be one of/m),
  ),
  post(
    'strategy: empty',
    '/deployments',
    { ...DEPLOY, strategy: '' },
    unprocessable('strategy', /^strategy: must be one of/m),
  ),
  post(
    'preset: unknown',
    '/deployments',
    { ...DEPLOY, preset: 'Canary10Percent99Minutes' },
    unprocessable('preset', /unknown preset "Canary10Percent99Minutes"/),
  ),
  post(
    'preset: wrong case',
    '/deployments',
    { ...DEPLOY, preset: 'allatonce' },
    unprocessable('preset', /unknown preset "allatonce"/),
  ),
  post(
    'preset for a rolling deployment',
    '/deployments',
    { ...DEPLOY, strategy: 'rolling', preset: 'Canary10Percent5Minutes' },
    unprocessable('preset', /rolling deployment .* takes no traffic schedule/),
  ),
  post(
    'preset that does not fit blue-green',
    '/deployments',
    { ...DEPLOY, strategy: 'blue-green', preset: 'Linear10PercentEvery1Minutes' },
    unprocessable('preset', /does not fit strategy blue-green/),
  ),
  post(
    'preset that does not fit canary',
    '/deployments',
    { ...DEPLOY, strategy: 'canary', preset: 'Linear10PercentEvery3Minutes' },
    unprocessable('preset', /does not fit strategy canary/),
  ),
  post(
    'preset that does not fit linear',
    '/deployments',
    { ...DEPLOY, strategy: 'linear', preset: 'AllAtOnce' },
    unprocessable('preset', /does not fit strategy linear/),
  ),
  post(
    'preset that does not fit all-at-once',
    '/deployments',
    { ...DEPLOY, strategy: 'all-at-once', preset: 'Canary10Percent15Minutes' },
    unprocessable('preset', /does not fit strategy all-at-once/),
  ),
  ...[0, -1, 101, 1000].map((batchPercent) =>
    post(
      `batchPercent ${batchPercent}`,
      '/deployments',
      { service: 'rolling', image: `${REGISTRY}/rolling@${DIGEST}`, batchPercent },
      unprocessable('batchPercent', /from 1 to 100/),
    ),
  ),
  post(
    'batchPercent on a linear deployment',
    '/deployments',
    { ...DEPLOY, batchPercent: 50 },
    unprocessable('batchPercent', /applies only to rolling deployments; this one is linear/),
  ),
  post(
    'batchPercent -0',
    '/deployments',
    `{"service":"rolling","image":"${REGISTRY}/rolling@${DIGEST}","batchPercent":-0}`,
    unprocessable('batchPercent', /from 1 to 100/),
  ),
  post(
    'batchPercent out of range with an explicit rolling strategy',
    '/deployments',
    { ...DEPLOY, strategy: 'rolling', batchPercent: 150 },
    unprocessable('batchPercent', /from 1 to 100/),
  ),
  // The catalog's gates are a floor: bluegreen requires test traffic and approval.
  post(
    'strategy that skips a gate: bluegreen (test traffic) as rolling',
    '/deployments',
    { service: 'bluegreen', image: `${REGISTRY}/bluegreen@${DIGEST}`, strategy: 'rolling' },
    unprocessable(
      'strategy',
      /^strategy: strategy rolling would skip test traffic, which the catalog requires of bluegreen \(rolling keeps approval\); .* blue-green, canary, linear, all-at-once$/m,
    ),
  ),
  post(
    'strategy that skips a gate, with batches: bluegreen as rolling in 50% batches',
    '/deployments',
    { service: 'bluegreen', image: `${REGISTRY}/bluegreen@${DIGEST}`, strategy: 'rolling', batchPercent: 50 },
    unprocessable('strategy', /would skip test traffic, which the catalog requires of bluegreen/),
  ),
];

const tooLarge: Expected = { status: 413, code: 'PayloadTooLarge', says: /larger than 16 KiB/ };
/** A deploy request whose reason pads it to exactly `bytes` bytes. */
function deployOfSize(bytes: number): string {
  const empty = JSON.stringify({ ...DEPLOY, reason: '' });
  return JSON.stringify({ ...DEPLOY, reason: 'r'.repeat(bytes - empty.length) });
}
const sizeCases: BadRequest[] = [
  post('oversized: 16 KiB + 1 byte', '/deployments', deployOfSize(16 * 1024 + 1), tooLarge),
  post('oversized: 1 MiB', '/deployments', deployOfSize(1024 * 1024), tooLarge),
  post(
    'oversized: 6000 three-byte characters (18000 bytes, 6000 characters)',
    '/deployments',
    JSON.stringify({ ...DEPLOY, reason: '€'.repeat(6000) }),
    tooLarge,
  ),
  post('oversized: not JSON either', '/deployments', 'x'.repeat(20_000), {
    ...tooLarge,
    headers: { 'content-type': 'text/plain' },
  }),
  post(
    'oversized: on approve',
    `/deployments/${NO_SUCH_DEPLOYMENT}/approve`,
    JSON.stringify({ reason: 'r'.repeat(17_000) }),
    tooLarge,
  ),
  post(
    'oversized: on rollback',
    '/services/linear/rollback',
    JSON.stringify({ reason: 'r'.repeat(17_000) }),
    tooLarge,
  ),
  { ...get('oversized: a body on a GET', '/services', tooLarge), body: 'x'.repeat(17_000) },
  post(
    'exactly 16 KiB is read, then refused for what it says',
    '/deployments',
    deployOfSize(16 * 1024),
    unprocessable('reason'),
  ),
];

const unsupported = (type: string): Expected => ({
  status: 415,
  code: 'UnsupportedMediaType',
  says: /send the body as application\/json/,
  headers: { 'content-type': type },
});
const contentTypeCases: BadRequest[] = [
  'text/plain',
  'text/json',
  'application/xml',
  'application/jsonp',
  'application/json5',
  'application/json-patch+json',
  'application/jsonx; charset=utf-8',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  '*/*',
  'json',
  '',
].map((type) => post(`content type ${JSON.stringify(type)}`, '/deployments', DEPLOY, unsupported(type)));
contentTypeCases.push(
  post(
    'content type: a form',
    '/deployments',
    `service=linear&image=${encodeURIComponent(IMAGE)}`,
    unsupported('application/x-www-form-urlencoded'),
  ),
  post(
    'content type: text on approve',
    `/deployments/${NO_SUCH_DEPLOYMENT}/approve`,
    '{}',
    unsupported('text/plain'),
  ),
  post('content type: text on rollback', '/services/linear/rollback', '{}', unsupported('text/plain')),
);

const invalidPath = /is not a valid API path/;
const pathCases: BadRequest[] = [
  post('path: /services/../deployments', '/services/../deployments', DEPLOY, badRequest(invalidPath)),
  get('path: /services/%2e%2e/verify', '/services/%2e%2e/verify', badRequest(invalidPath)),
  get('path: /services/%2E%2E/linear/verify', '/services/%2E%2E/linear/verify', badRequest(invalidPath)),
  get('path: a single dot segment', '/services/./linear', badRequest(invalidPath)),
  get('path: a trailing dot segment', '/services/linear/.', badRequest(invalidPath)),
  post('path: /deployments/.. to reach /deployments', '/deployments/x/..', DEPLOY, badRequest(invalidPath)),
  get('path: an encoded slash', '/services/linear%2fverify', badRequest(/encoded slashes/)),
  get('path: an encoded slash in uppercase', '/services/linear%2Freleases', badRequest(/encoded slashes/)),
  post('path: an encoded slash at the end', '/deployments%2F', DEPLOY, badRequest(/encoded slashes/)),
  get('path: //services', '//services', badRequest(invalidPath)),
  get('path: an empty segment', '/services//linear', badRequest(invalidPath)),
  get('path: two trailing slashes', '/services/linear/verify//', badRequest(invalidPath)),
  get('path: a backslash', '/services/linear\\verify', badRequest(invalidPath)),
  get('path: an encoded backslash', '/services/linear%5cverify', badRequest(invalidPath)),
  get('path: an encoded NUL', '/services/linear%00', badRequest(invalidPath)),
  get('path: an encoded line feed', '/services/linear%0a', badRequest(invalidPath)),
  get('path: an encoded CRLF and a header', '/services/linear%0d%0aX-Injected:%201', badRequest(invalidPath)),
  get('path: an encoded escape sequence', '/services/%1b%5b31m', badRequest(invalidPath)),
  get('path: an encoded DEL', '/services/%7f', badRequest(invalidPath)),
  get('path: an encoded tab', '/services/lin%09ear', badRequest(invalidPath)),
  get('path: an encoded C1 CSI', '/services/linear%c2%9b2J', badRequest(invalidPath)),
  get('path: an encoded right-to-left override', '/services/%e2%80%aelinear', badRequest(invalidPath)),
  get('path: bad percent-encoding', '/services/%zz', badRequest(/not valid URL encoding/)),
  get('path: a lone percent sign', '/services/linear%', badRequest(/not valid URL encoding/)),
  get('path: an encoded lone surrogate', '/services/%ed%a0%80', badRequest(/not valid URL encoding/)),
  get('path: an overlong UTF-8 slash', '/services/%c0%af', badRequest(/not valid URL encoding/)),
  get('path: 400 characters', `/services/${'a'.repeat(400)}`, badRequest(/the path is too long/)),
  get('path: 8000 characters', `/deployments/${'a'.repeat(8000)}`, badRequest(/the path is too long/)),
  get('path: the absolute form', 'http://127.0.0.1/services', badRequest(invalidPath)),
  { ...get('path: an asterisk', '*', badRequest(invalidPath)), method: 'OPTIONS' },
  get(
    'path: one segment too many after verify',
    '/services/linear/verify/extra',
    notFound(/no route GET \/services\/linear\/verify\/extra/),
  ),
  get('path: one segment too many after releases', '/services/linear/releases/2', notFound(/no route/)),
  post(
    'path: one segment too many after approve',
    `/deployments/${NO_SUCH_DEPLOYMENT}/approve/now`,
    {},
    notFound(/no route/),
  ),
  post(
    'path: an action that does not exist',
    `/deployments/${NO_SUCH_DEPLOYMENT}/reject`,
    {},
    notFound(/no route POST/),
  ),
  post('path: /deployment, singular', '/deployment', DEPLOY, notFound(/no route POST \/deployment;/)),
  get('path: a page that is not the dashboard', '/index.htm', notFound(/no route GET \/index.htm;/)),
  get('path: /SERVICES in capitals', '/SERVICES', notFound(/no route/)),
  get('path: a dot in a service name', '/services/linear.v2', notFound(/no route/)),
  get('path: an encoded space in a service name', '/services/lin%20ear', notFound(/no route/)),
  get('path: a service name of 81 characters', `/services/${'a'.repeat(81)}`, notFound(/no route/)),
  get('path: a query string on an unknown service', '/services/nope?verbose=1', notFound(noService)),
];

const methodCases: BadRequest[] = (
  [
    ['GET', '/deployments', 'POST'],
    ['PUT', '/deployments', 'POST'],
    ['DELETE', '/deployments', 'POST'],
    ['PATCH', '/deployments', 'POST'],
    ['OPTIONS', '/deployments', 'POST'],
    ['GET', '/deployments/', 'POST'],
    ['POST', `/deployments/${NO_SUCH_DEPLOYMENT}`, 'GET'],
    ['DELETE', `/deployments/${NO_SUCH_DEPLOYMENT}`, 'GET'],
    ['GET', `/deployments/${NO_SUCH_DEPLOYMENT}/approve`, 'POST'],
    ['PUT', `/deployments/${NO_SUCH_DEPLOYMENT}/abort`, 'POST'],
    ['DELETE', `/deployments/${NO_SUCH_DEPLOYMENT}/promote`, 'POST'],
    ['POST', '/services', 'GET'],
    ['PUT', '/services/linear', 'GET'],
    ['DELETE', '/services/linear', 'GET'],
    ['POST', '/services/linear/releases', 'GET'],
    ['DELETE', '/services/linear/releases', 'GET'],
    ['POST', '/services/linear/verify', 'GET'],
    ['POST', '/services/linear/ledger', 'GET'],
    ['DELETE', '/services/linear/ledger', 'GET'],
    ['PUT', '/services/linear/drift', 'GET'],
    ['GET', '/services/linear/rollback', 'POST'],
    ['PUT', '/services/linear/rollback', 'POST'],
  ] as const
).map(([method, path, allow]) => ({
  name: `method: ${method} ${path}`,
  method,
  path,
  ...(method === 'GET' || method === 'DELETE' || method === 'OPTIONS' ? {} : { body: DEPLOY_BODY }),
  status: 405,
  code: 'MethodNotAllowed',
  says: new RegExp(`takes ${allow}, not ${method}`),
  allow,
}));

const rollbackCases: BadRequest[] = [
  post(
    'rollback: no earlier promoted release',
    '/services/linear/rollback',
    {},
    notFound(/linear has no release promoted before the live one \(release 1\) to roll back to/),
  ),
  post(
    'rollback: to a release that does not exist',
    '/services/linear/rollback',
    { to: 2 },
    notFound(/linear has no release 2; releases promoted: 1/),
  ),
  post(
    'rollback: to the live release',
    '/services/linear/rollback',
    { to: 1 },
    { status: 409, code: 'Conflict', says: /release 1 of linear is already live/ },
  ),
];

// Reserved actors: the names Cutover writes for its own records (shared/domain/actors.ts).
const reserved = (prefix: string): Expected =>
  badRequest(new RegExp(`uses the reserved prefix "${escape(prefix)}", which Cutover writes`));
const reservedActorCases: BadRequest[] = (
  [
    ['state-machine', 'state-machine'],
    ['State-Machine', 'state-machine'],
    ['alarm:linear-5xx-rate', 'alarm'],
    ['ecr-push', 'ecr-push'],
    ['console', 'console'],
    ['system', 'system'],
    ['recover-orphans', 'recover-orphans'],
    ['operator', 'operator'],
    ['cutover', 'cutover'],
  ] as const
).map(([actor, prefix]) =>
  post(`reserved actor: ${actor}`, '/deployments', DEPLOY, {
    ...reserved(prefix),
    headers: { 'x-cutover-actor': actor },
  }),
);
reservedActorCases.push(
  post(
    'reserved actor: approve as state-machine',
    `/deployments/${NO_SUCH_DEPLOYMENT}/approve`,
    {},
    {
      ...reserved('state-machine'),
      headers: { 'x-cutover-actor': 'state-machine' },
    },
  ),
  post(
    'reserved actor: abort as an alarm',
    `/deployments/${NO_SUCH_DEPLOYMENT}/abort`,
    {},
    {
      ...reserved('alarm'),
      headers: { 'x-cutover-actor': 'alarm:linear-5xx-rate' },
    },
  ),
  post(
    'reserved actor: rollback as the system',
    '/services/linear/rollback',
    {},
    {
      ...reserved('system'),
      headers: { 'x-cutover-actor': 'system:recover' },
    },
  ),
);

// Control characters in anything an operator sends (shared/domain/control-characters.ts).
const controlCases: BadRequest[] = (
  [
    ['reason with colours', 'reason', 'ok \u001b[31mred\u001b[0m', 'U+001B (ESC)'],
    ['reason that erases the line', 'reason', 'ok\u001b[2K\rRELEASE 99 promoted', 'U+001B (ESC)'],
    ['reason with a carriage return', 'reason', 'ok\rRELEASE 99 promoted', 'U+000D (CR)'],
    ['reason with a line feed that forges a line', 'reason', 'ok\nRELEASE 99 promoted', 'U+000A (LF)'],
    ['reason with a tab', 'reason', 'a\tb', 'U+0009 (TAB)'],
    ['reason with a bell', 'reason', 'ding\u0007', 'U+0007 (BEL)'],
    ['reason with a NUL', 'reason', 'a\u0000b', 'U+0000 (NUL)'],
    ['reason with DEL', 'reason', 'a\u007fb', 'U+007F (DEL)'],
    ['reason with a C1 CSI', 'reason', 'a\u009b2J', 'U+009B (CSI)'],
    ['reason with a C1 NEL', 'reason', 'a\u0085b', 'U+0085'],
    ['reason with a right-to-left override', 'reason', 'a\u202etxt.exe', 'U+202E (RIGHT-TO-LEFT OVERRIDE)'],
    ['reason with a line separator', 'reason', 'a\u2028b', 'U+2028 (LINE SEPARATOR)'],
    ['service with an escape', 'service', 'linear\u001b[2K', 'U+001B (ESC)'],
    ['image with a NUL', 'image', `${IMAGE}\u0000`, 'U+0000 (NUL)'],
    ['strategy with a bell', 'strategy', 'linear\u0007', 'U+0007 (BEL)'],
    ['preset with a line feed', 'preset', 'AllAtOnce\n', 'U+000A (LF)'],
  ] as const
).map(([name, field, value, description]) =>
  // post() sends JSON.stringify's text: C0 controls escaped (\u001b), C1 and others raw, both valid JSON.
  post(
    `control character: ${name}`,
    '/deployments',
    { ...DEPLOY, [field]: value },
    control(field, description),
  ),
);
for (const [action, path] of [
  ['approve', `/deployments/${NO_SUCH_DEPLOYMENT}/approve`],
  ['promote', `/deployments/${NO_SUCH_DEPLOYMENT}/promote`],
  ['abort', `/deployments/${NO_SUCH_DEPLOYMENT}/abort`],
  ['rollback', '/services/linear/rollback'],
]) {
  controlCases.push(
    post(
      `control character: ${action} reason with an escape`,
      path!,
      { reason: '\u001b[1A\u001b[2KRELEASE 99 promoted' },
      control('reason', 'U+001B (ESC)'),
    ),
  );
}
controlCases.push(
  post(
    'control character: in a field name',
    '/deployments',
    { ...DEPLOY, 'rea\u001bson': 'x' },
    badRequest(/a field name in the body has a control character/),
  ),
);

const CORPUS: BadRequest[] = [
  ...authCases,
  ...actorCases,
  ...malformedJsonCases,
  ...notObjectCases,
  ...wrongTypeCases,
  ...missingCases,
  ...unknownFieldCases,
  ...imageCases,
  ...unknownServiceCases,
  ...unknownDeploymentCases,
  ...planCases,
  ...sizeCases,
  ...contentTypeCases,
  ...pathCases,
  ...methodCases,
  ...rollbackCases,
  ...reservedActorCases,
  ...controlCases,
];

// ------------------------------------------------------------------------------ the cloud

let handle: CloudHandle;
let dynamo: DynamoDBClient;
let before: Awaited<ReturnType<typeof writtenState>>;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort() });
  dynamo = new DynamoDBClient({
    endpoint: handle.cloud.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  before = await writtenState();
});

afterAll(async () => {
  dynamo?.destroy();
  if (handle === undefined) return;
  // The last tests start deployments: stop them, and let the handler calls in flight finish,
  // before the tables close under them.
  for (const execution of handle.cloud.stepFunctions.runningExecutions()) execution.stop();
  const deadline = Date.now() + 5_000;
  while (handle.cloud.functions.busy > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await handle.stop();
});

/** Everything a request could write: ledgers, deployments, service states, both tables whole, executions. */
async function writtenState() {
  const services = Object.keys(handle.catalog.services);
  const perService = async <T>(read: (service: string) => Promise<T>) =>
    Object.fromEntries(await Promise.all(services.map(async (s) => [s, await read(s)] as const)));
  const machines = [...handle.cloud.stepFunctions.machines.keys()];
  const scan = async (TableName: string) =>
    ((await dynamo.send(new ScanCommand({ TableName }))).Items ?? [])
      .map((item) => JSON.stringify(item))
      .sort();
  return {
    ledgers: await perService((s) => handle.clients.ledger.list(s)),
    deployments: await perService((s) => handle.clients.deployments.listByService(s, 100)),
    serviceStates: await perService((s) => handle.clients.serviceStates.get(s)),
    tables: { ledger: await scan(LEDGER_TABLE), deployments: await scan(DEPLOYMENTS_TABLE) },
    executions: Object.fromEntries(
      await Promise.all(
        machines.map(async (stateMachineArn) => {
          const listed = await handle.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
          return [stateMachineArn, listed.executions ?? []] as const;
        }),
      ),
    ),
  };
}

/** Sends a request byte for byte and reads the whole answer (the connection closes after it). */
function send(request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(handle.cloud.apiEndpoint);
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const headers: Record<string, Header> = {
    host: `${hostname}:${port}`,
    authorization: `Bearer ${handle.cloud.token}`,
    'x-cutover-actor': 'operator:corpus',
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    headers[name] = typeof value === 'function' ? value(handle.cloud.token) : value;
  }
  const lines = [`${request.method} ${request.path} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const response = parseResponse(Buffer.concat(chunks));
      if (response instanceof Error) reject(response);
      else resolve(response);
    });
    // Not end(): a server that sees the request's side close may drop the answer.
    socket.write(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
  });
}

function parseResponse(raw: Buffer): RawResponse | Error {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return new Error(`no complete HTTP answer: ${JSON.stringify(raw.toString('latin1'))}`);
  const [statusLine, ...headerLines] = raw.subarray(0, split).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  let body = raw.subarray(split + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    for (let at = 0; ;) {
      const end = body.indexOf('\r\n', at);
      const size = parseInt(body.subarray(at, end).toString('latin1'), 16);
      if (size === 0) break;
      parts.push(body.subarray(end + 2, end + 2 + size));
      at = end + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, text: body.toString('utf8') };
}

// ------------------------------------------------------------------------------ the tests

describe('the bad-request corpus', () => {
  it('has at least 100 cases, each named once', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS)('$name → $status $code', async (request) => {
    const response = await send(request);

    expect(response.status).toBe(request.status);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(response.text) as {
      error?: { code?: unknown; message?: unknown; problems?: unknown };
    };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error?.code).toBe(request.code);
    const message = body.error?.message;
    expect(typeof message).toBe('string');
    expect((message as string).trim()).not.toBe('');
    expect(message).toMatch(request.says);
    // Never a stack trace.
    expect(message).not.toMatch(/\n\s+at .+:\d+:\d+/);
    if (request.problem !== undefined) {
      const problems = body.error?.problems as { path: string; message: string }[];
      expect(problems.map((p) => p.path)).toContain(request.problem);
      for (const problem of problems) expect(problem.message.trim()).not.toBe('');
    }
    if (request.allow !== undefined) expect(response.headers.allow).toBe(request.allow);
    if (request.status === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('wrote nothing: the ledgers, the deployments table and the executions are exactly as before', async () => {
    const after = await writtenState();
    expect(Object.keys(after.executions)).toHaveLength(3);
    expect(after).toEqual(before);
  });

  it('a trailing slash is the same route as without', async () => {
    for (const path of [
      '/services',
      '/services/linear',
      '/services/linear/releases',
      '/services/linear/verify',
      '/services/linear/drift',
    ]) {
      const [plain, slashed] = await Promise.all([
        send({ method: 'GET', path }),
        send({ method: 'GET', path: `${path}/` }),
      ]);
      expect(plain.status).toBe(200);
      expect(slashed.status).toBe(200);
      // The same answer, but for the time a drift check was made and the clock it was answered at.
      const answer = (text: string) => ({
        ...(JSON.parse(text) as object),
        checkedAt: undefined,
        now: undefined,
      });
      expect(answer(slashed.text)).toEqual(answer(plain.text));
    }
  });

  it('the same check sees a write: one good request changes the state it compares', async () => {
    const response = await send({ method: 'POST', path: '/deployments', body: DEPLOY_BODY });
    expect(response.status).toBe(202);
    const { deploymentId } = JSON.parse(response.text) as { deploymentId: string };
    const after = await writtenState();
    expect(after).not.toEqual(before);
    const started = Object.values(after.executions)
      .flat()
      .map((e) => e.name);
    expect(started).toContain(deploymentId);
  });
});

describe('requests Node’s HTTP parser refuses', () => {
  it.each([
    ['a raw control character in the path', '/services/lin\x01ear', 400],
    ['a raw non-ASCII byte in the path', '/services/lin\xe9ar', 400],
    ['a path longer than the header limit (16 KiB)', `/services/${'a'.repeat(20_000)}`, 431],
  ])('%s → a JSON error, not an empty answer', async (_name, path, status) => {
    const response = await send({ method: 'GET', path });
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.text)).toMatchObject({ error: { code: expect.any(String) } });
  });
});

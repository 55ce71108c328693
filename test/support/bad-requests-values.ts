// Bad requests, part of the corpus of test/api/bad-requests.test.ts: well-formed requests whose
// values are refused. Image references, unknown services and deployments, strategies and plan
// settings, rollback targets, actor names Cutover keeps for itself, and control characters in
// anything an operator sends.

import {
  type BadRequest,
  type Expected,
  DEPLOY,
  DIGEST,
  IMAGE,
  NO_SUCH_DEPLOYMENT,
  REGISTRY,
  badRequest,
  control,
  escape,
  get,
  notFound,
  post,
  unprocessable,
  noService,
} from './bad-request-case.js';

export const imageCases: BadRequest[] = (
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

export const unknownServiceCases: BadRequest[] = [
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
export const unknownDeploymentCases: BadRequest[] = [
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

export const planCases: BadRequest[] = [
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

export const rollbackCases: BadRequest[] = [
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
export const reservedActorCases: BadRequest[] = (
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
export const controlCases: BadRequest[] = (
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

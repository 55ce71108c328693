// Bad requests, part of the corpus of test/api/bad-requests.test.ts: JSON bodies whose fields
// do not fit. Every field of each request with each type it must not have, required fields
// missing, and fields the API does not know.

import {
  type BadRequest,
  DEPLOY,
  DEPLOY_BODY,
  DIGEST,
  IMAGE,
  NO_SUCH_DEPLOYMENT,
  control,
  describeValue,
  escape,
  post,
  unprocessable,
} from './bad-request-case.js';

/** Every field of POST /deployments × every type it must not have. */
const WRONG_TYPES: Record<string, unknown[]> = {
  service: [7, true, null, [], {}, ['linear']],
  image: [7, false, null, [IMAGE], { repository: 'linear', digest: DIGEST }],
  strategy: [1, true, null, ['linear'], {}],
  preset: [5, false, null, [], {}],
  batchPercent: ['50', 50.5, true, null, [50], {}],
  reason: [1, true, null, [], {}],
};
export const wrongTypeCases: BadRequest[] = Object.entries(WRONG_TYPES).flatMap(([field, values]) =>
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

export const missingCases: BadRequest[] = [
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
export const unknownFieldCases: BadRequest[] = [
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

// Bad requests, part of the corpus of test/api/bad-requests.test.ts: requests wrong as HTTP
// before any field is read. Authorization and actor headers, bodies that are not JSON or not an
// object, bodies too large, content types, paths and methods.

import {
  type BadRequest,
  type Expected,
  type Header,
  DEPLOY,
  DEPLOY_BODY,
  IMAGE,
  NO_SUCH_DEPLOYMENT,
  badRequest,
  get,
  notFound,
  post,
  unprocessable,
  noService,
} from './bad-request-case.js';

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
export const authCases: BadRequest[] = AUTHORIZATIONS.map(([name, authorization]) =>
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
export const actorCases: BadRequest[] = ACTORS.map(([name, actor]) =>
  post(`X-Cutover-Actor with ${name}`, '/deployments', DEPLOY, {
    ...badRequest(/X-Cutover-Actor must be 1 to 100 letters/),
    headers: { 'x-cutover-actor': actor },
  }),
);

const notJson = badRequest(/the body is not valid JSON/);
export const malformedJsonCases: BadRequest[] = [
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
export const notObjectCases: BadRequest[] = [
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

const tooLarge: Expected = { status: 413, code: 'PayloadTooLarge', says: /larger than 16 KiB/ };
/** A deploy request whose reason pads it to exactly `bytes` bytes. */
function deployOfSize(bytes: number): string {
  const empty = JSON.stringify({ ...DEPLOY, reason: '' });
  return JSON.stringify({ ...DEPLOY, reason: 'r'.repeat(bytes - empty.length) });
}
export const sizeCases: BadRequest[] = [
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
export const contentTypeCases: BadRequest[] = [
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
export const pathCases: BadRequest[] = [
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

export const methodCases: BadRequest[] = (
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

// The AWS query protocol (ELBv2): a form-encoded body with `Action` and flattened
// parameters (`RuleArns.member.1=…`), answered in XML. Lists are <member> elements.

import type { LocalService } from './service.js';
import { asAwsError, type WireResponse } from './json-protocol.js';
import { AwsError } from '../errors.js';

export async function handleQuery(
  service: LocalService,
  namespace: string,
  body: string,
): Promise<WireResponse> {
  const requestId = crypto.randomUUID();
  const headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
  const params = new URLSearchParams(body);
  const action = params.get('Action') ?? '';
  try {
    const handler = service.operations[action];
    if (handler === undefined) {
      throw new AwsError(
        'InvalidAction',
        `${service.name} does not support ${action || 'a request without Action'} here`,
      );
    }
    const output = (await handler(decodeQuery(params))) ?? {};
    const xml =
      `<${action}Response xmlns="${namespace}"><${action}Result>${toXml(output)}</${action}Result>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    return { status: 200, headers, body: xml };
  } catch (error) {
    const e = asAwsError(error);
    const xml =
      `<ErrorResponse xmlns="${namespace}"><Error><Type>${e.fault}</Type><Code>${escapeXml(e.code)}</Code>` +
      `<Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: e.status, headers, body: xml };
  }
}

/** `A.member.1.B=x` → `{ A: [{ B: 'x' }] }`; `M.entry.1.key=k&M.entry.1.value=v` → `{ M: { k: v } }`. */
export function decodeQuery(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    setPath(root, key.split('.'), value);
  }
  return normalize(root) as Record<string, unknown>;
}

function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i += 1) {
    const key = path[i]!;
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

function normalize(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const object = node as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1 && keys[0] === 'member') {
    const members = object.member as Record<string, unknown>;
    return Object.keys(members)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => normalize(members[k]));
  }
  if (keys.length === 1 && keys[0] === 'entry') {
    const entries = Object.values(object.entry as Record<string, { key: string; value: unknown }>);
    return Object.fromEntries(entries.map((e) => [e.key, normalize(e.value)]));
  }
  return Object.fromEntries(keys.map((k) => [k, normalize(object[k])]));
}

export function toXml(value: unknown): string {
  if (value === null || value === undefined || typeof value !== 'object' || value instanceof Date) return '';
  let xml = '';
  for (const [key, inner] of Object.entries(value)) {
    if (inner === undefined || inner === null) continue;
    xml += `<${key}>${element(inner)}</${key}>`;
  }
  return xml;
}

function element(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => `<member>${element(v)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return toXml(value);
  return escapeXml(String(value));
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text made safe inside an XML element, or an attribute in double quotes, as AWS writes it. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ENTITIES[c]!);
}

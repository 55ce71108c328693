// Checks a local AWS answer against the output shape botocore (the AWS CLI's own models) gives
// the operation: every member has the model's type, no member is one the model lacks, enum
// values are ones the model lists, and the members AWS always returns are there. Problems
// are named by operation and member path, e.g. `ecs DescribeServices: services[0].runningCount`.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

interface Shape {
  type: string;
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  value?: { shape: string };
  enum?: string[];
}

export interface ServiceModel {
  service: string;
  operations: Record<string, { output?: { shape: string } }>;
  shapes: Record<string, Shape>;
}

function botocoreFolder(): string | undefined {
  const found = spawnSync(
    'python3',
    ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'],
    {
      encoding: 'utf8',
    },
  );
  return found.status === 0 ? found.stdout.trim() : undefined;
}

const folder = botocoreFolder();

/** Whether botocore's models are on this machine (they come with the AWS CLI v1). */
export const hasBotocore = folder !== undefined && existsSync(join(folder, 'data'));

/** botocore's newest model of a service (`ecs`, `ecr`, `stepfunctions`, `monitoring`, ...). */
export function serviceModel(service: string): ServiceModel {
  const root = join(folder!, 'data', service);
  const version = readdirSync(root).sort().at(-1)!;
  const plain = join(root, version, 'service-2.json');
  const text = existsSync(plain)
    ? readFileSync(plain, 'utf8')
    : gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
  const model = JSON.parse(text) as Omit<ServiceModel, 'service'>;
  return { service, operations: model.operations, shapes: model.shapes };
}

/**
 * What is wrong with `output` as an answer to `operation` (empty when nothing is). `always`
 * lists, by shape name, the members AWS returns in every such structure.
 */
export function shapeProblems(
  model: ServiceModel,
  operation: string,
  output: unknown,
  always: Record<string, string[]> = {},
): string[] {
  const problems: string[] = [];
  const name = model.operations[operation]?.output?.shape;
  if (name === undefined) return [`${model.service} ${operation}: the model has no such operation`];
  const report = (path: string, what: string): void => {
    problems.push(`${model.service} ${operation}: ${path} ${what}`);
  };
  const visit = (shapeName: string, value: unknown, path: string): void => {
    const shape = model.shapes[shapeName]!;
    switch (shape.type) {
      case 'structure': {
        if (!isObject(value)) return report(path, `should be a structure (${shapeName})`);
        for (const [key, member] of Object.entries(value)) {
          const known = shape.members?.[key];
          if (known === undefined) report(join2(path, key), `is not a member of ${shapeName}`);
          else if (member !== null) visit(known.shape, member, join2(path, key));
        }
        for (const key of always[shapeName] ?? [])
          if (value[key] === undefined) report(join2(path, key), `is missing (AWS always returns it)`);
        return;
      }
      case 'list':
        if (!Array.isArray(value)) return report(path, 'should be a list');
        value.forEach((item, i) => visit(shape.member!.shape, item, `${path}[${i}]`));
        return;
      case 'map':
        if (!isObject(value)) return report(path, 'should be a map');
        for (const [key, item] of Object.entries(value)) visit(shape.value!.shape, item, `${path}.${key}`);
        return;
      case 'string':
        if (typeof value !== 'string') return report(path, 'should be a string');
        if (shape.enum !== undefined && !shape.enum.includes(value))
          report(path, `is ${JSON.stringify(value)}, not one of ${shape.enum.join(', ')}`);
        return;
      case 'integer':
      case 'long':
        if (!Number.isInteger(value)) report(path, `should be an ${shape.type}`);
        return;
      case 'float':
      case 'double':
        if (typeof value !== 'number') report(path, `should be a ${shape.type}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') report(path, 'should be a boolean');
        return;
      case 'timestamp':
        // JSON protocols send epoch seconds; botocore also reads ISO 8601 strings.
        if (typeof value !== 'number' && !(typeof value === 'string' && !Number.isNaN(Date.parse(value))))
          report(path, 'should be a timestamp');
        return;
      default:
        return;
    }
  };
  visit(name, output, '');
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join2(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The JSON protocol targets of the local AWS endpoint, by botocore service name. */
const TARGETS: Record<string, { prefix: string; contentType: string }> = {
  ecs: { prefix: 'AmazonEC2ContainerServiceV20141113', contentType: 'application/x-amz-json-1.1' },
  ecr: { prefix: 'AmazonEC2ContainerRegistry_V20150921', contentType: 'application/x-amz-json-1.1' },
  stepfunctions: { prefix: 'AWSStepFunctions', contentType: 'application/x-amz-json-1.0' },
  cloudwatch: { prefix: 'GraniteServiceVersion20100801', contentType: 'application/x-amz-json-1.0' },
  events: { prefix: 'AWSEvents', contentType: 'application/x-amz-json-1.1' },
};

/**
 * One operation over the wire to a local endpoint, signed as the AWS CLI signs it with the
 * local credentials (the endpoint reads the access key id; signatures are not checked).
 */
export async function callJson(
  endpoint: string,
  service: string,
  operation: string,
  input: Record<string, unknown>,
): Promise<{ status: number; body: unknown }> {
  const { prefix, contentType } = TARGETS[service]!;
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-amz-target': `${prefix}.${operation}`,
      authorization: `AWS4-HMAC-SHA256 Credential=local/20261201/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: await response.json() };
}

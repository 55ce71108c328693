// The EventBridge rules serverless.yml declares, for the local cloud to install: every
// function's `events: - eventBridge: { pattern, eventBus?, name? }` becomes a rule that
// targets that function, as the framework deploys it. The file's CloudFormation short
// forms (!Ref, !GetAtt, !Join, …) are read as opaque values; the few variables event
// patterns use are resolved here, the same way the framework resolves them at package
// time (cli/serverless-catalog.cjs supplies `custom.resources`).

import { readFile } from 'node:fs/promises';
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';
import { validatePattern, type EventPattern } from './event-pattern.js';
import { isRecord } from '../../shared/domain/records.js';
import { ServerlessRuleError } from '../errors.js';

export interface ServerlessRule {
  /** As the rule is named on the bus: the event's `name`, else `<service>-<stage>-<function>-rule-<n>`. */
  name: string;
  eventBusName: string;
  pattern: EventPattern;
  /** The function in serverless.yml (and functions/) the rule invokes, e.g. `on-alarm`. */
  target: string;
  state: 'ENABLED' | 'DISABLED';
}

export interface ServerlessRuleOptions {
  /** What `${self:custom.resources}` resolves to: catalogResources(catalog) from shared/domain/catalog-resources.ts. */
  resources: Readonly<Record<string, readonly string[]>>;
  /** `${sls:stage}`. */
  stage: string;
  /** Substituted for `${AWS::Region}` and `${AWS::AccountId}` in resource ARNs, as CloudFormation would. */
  region?: string;
  account?: string;
}

/** A CloudFormation intrinsic function in its short form (`!Ref X`), kept as written. */
export class CloudFormationTag {
  constructor(
    readonly tag: string,
    readonly value: unknown,
  ) {}
}

const INTRINSICS = [
  'And',
  'Base64',
  'Cidr',
  'Condition',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'Or',
  'Ref',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
];

export const customTags: (ScalarTag | CollectionTag)[] = INTRINSICS.flatMap((name) => {
  const tag = `!${name}`;
  const opaque = (value: unknown) => new CloudFormationTag(tag, value);
  return [
    { tag, resolve: (text: string) => opaque(text) },
    { tag, collection: 'seq', resolve: (seq: YAMLSeq) => opaque(seq.toJSON()) },
    { tag, collection: 'map', resolve: (map: YAMLMap) => opaque(map.toJSON()) },
  ] as (ScalarTag | CollectionTag)[];
});

/** Where an empty resource list points instead, as in cli/serverless-catalog.cjs: a name that matches nothing. */
const NONE = 'cutover-none';

/** Reads serverless.yml and returns its EventBridge rules. */
export async function readServerlessRules(
  file: string,
  options: ServerlessRuleOptions,
): Promise<ServerlessRule[]> {
  return serverlessRules(await readFile(file, 'utf8'), options);
}

/** The EventBridge rules in serverless.yml's text. Throws ServerlessRuleError naming anything it cannot resolve. */
export function serverlessRules(text: string, options: ServerlessRuleOptions): ServerlessRule[] {
  let doc: unknown;
  try {
    doc = parse(text, { customTags });
  } catch (error) {
    throw new ServerlessRuleError(`serverless.yml is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isRecord(doc)) throw new ServerlessRuleError('serverless.yml does not hold a mapping at the top');
  const service = serviceName(doc.service);
  const resolver = variables(service, options);
  const functions = isRecord(doc.functions) ? doc.functions : {};
  const rules: ServerlessRule[] = [];
  for (const [fn, definition] of Object.entries(functions)) {
    const events = isRecord(definition) && Array.isArray(definition.events) ? definition.events : [];
    let n = 0;
    events.forEach((event: unknown, i) => {
      if (!isRecord(event) || !isRecord(event.eventBridge)) return;
      const where = `functions.${fn}.events[${i}].eventBridge`;
      const config = event.eventBridge;
      // A scheduled eventBridge event has no pattern; the local cloud does not run schedules.
      if (config.pattern === undefined) return;
      n++;
      for (const field of ['input', 'inputPath', 'inputTransformer']) {
        if (config[field] !== undefined) {
          throw new ServerlessRuleError(
            `${where}.${field}: the local cloud delivers the event itself to targets; remove ${field} or deliver it in the handler`,
          );
        }
      }
      const pattern = resolve(config.pattern, `${where}.pattern`, resolver);
      const problems = validatePattern(pattern);
      if (problems.length > 0) {
        const list = problems.map((p) => `${p.path || '(pattern)'}: ${p.message}`).join('; ');
        throw new ServerlessRuleError(`${where}.pattern is not a valid event pattern: ${list}`);
      }
      const name =
        config.name === undefined
          ? `${service}-${options.stage}-${fn}-rule-${n}`.slice(0, 64)
          : stringAt(resolve(config.name, `${where}.name`, resolver), `${where}.name`);
      rules.push({
        name,
        eventBusName: busName(config.eventBus, `${where}.eventBus`, resolver),
        pattern: pattern as EventPattern,
        target: fn,
        state: config.enabled === false ? 'DISABLED' : 'ENABLED',
      });
    });
  }
  return rules;
}

type Resolver = (variable: string, where: string) => unknown;

/** The variables event patterns may use: ${self:service}, ${sls:stage}, ${self:custom.resources.<key>}. */
function variables(service: string, options: ServerlessRuleOptions): Resolver {
  const arn = (text: string) =>
    text
      .replaceAll('${AWS::Partition}', 'aws')
      .replaceAll('${AWS::Region}', options.region ?? '${AWS::Region}')
      .replaceAll('${AWS::AccountId}', options.account ?? '${AWS::AccountId}');
  return (variable, where) => {
    if (variable === 'self:service') return service;
    if (variable === 'sls:stage') return options.stage;
    const resource = /^self:custom\.resources\.([A-Za-z0-9_-]+)$/.exec(variable)?.[1];
    if (resource !== undefined && Object.hasOwn(options.resources, resource)) {
      const values = options.resources[resource] as readonly string[];
      if (values.length > 0) return values.map(arn);
      return [arn(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${NONE}`)];
    }
    const known = '${self:service}, ${sls:stage} and ${self:custom.resources.<key>}';
    const about =
      resource !== undefined
        ? `there is no resource list named ${resource} (there are: ${Object.keys(options.resources).join(', ')})`
        : `the local cloud resolves only ${known}`;
    throw new ServerlessRuleError(`${where} uses \${${variable}}, which cannot be resolved: ${about}`);
  };
}

/** Replaces variables throughout a value: a string that is one variable takes its value (a list, say). */
function resolve(value: unknown, where: string, resolver: Resolver): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^{}]+)\}$/.exec(value);
    if (whole !== null) return resolver((whole[1] as string).trim(), where);
    return value.replace(/\$\{([^{}]+)\}/g, (_, variable: string) => {
      const resolved = resolver(variable.trim(), where);
      if (typeof resolved !== 'string' && typeof resolved !== 'number') {
        throw new ServerlessRuleError(
          `${where} puts \${${variable}}, which is a list, inside a longer string`,
        );
      }
      return String(resolved);
    });
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown, i) => resolve(item, `${where}[${i}]`, resolver));
  }
  if (value instanceof CloudFormationTag) {
    throw new ServerlessRuleError(
      `${where} uses ${value.tag}, a CloudFormation reference the local cloud cannot resolve`,
    );
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolve(v, `${where}.${k}`, resolver)]),
    );
  }
  return value;
}

function busName(value: unknown, where: string, resolver: Resolver): string {
  if (value === undefined) return 'default';
  const text = stringAt(resolve(value, where, resolver), where);
  // An ARN names an existing bus: arn:aws:events:<region>:<account>:event-bus/<name>.
  const fromArn = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(text)?.[1];
  return fromArn ?? text;
}

function serviceName(value: unknown): string {
  if (typeof value === 'string' && value !== '') return value;
  if (isRecord(value) && typeof value.name === 'string') return value.name;
  throw new ServerlessRuleError('serverless.yml has no `service` name');
}

function stringAt(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ServerlessRuleError(`${where} must be a non-empty string`);
  return value;
}

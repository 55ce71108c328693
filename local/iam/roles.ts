// Each function's IAM policy, computed from serverless.yml as packaging computes it: the
// framework's variables resolved (${self:service}, ${sls:stage}, ${self:custom.…}, with the
// catalog's resources as cli/serverless-catalog.cjs gives them), then the CloudFormation
// functions in the result (!Ref, !GetAtt, !Join, !Sub) evaluated as CloudFormation would,
// for the local stage's account, region and partition. CI compares the result with the
// packaged template's role policies (.ci/check-roles.ts), so the two cannot drift.

import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { isRecord } from '../../shared/domain/records.js';
import { CloudFormationTag, customTags } from '../aws/serverless-rules.js';
import { templateBucketName, templateKeyId } from '../aws/template-ids.js';
import { checkStatements, type Statement } from './policy.js';
import type { Scope } from './requests.js';
import { RoleError } from '../errors.js';

export interface RoleOptions extends Scope {
  stage: string;
  /** What `${self:custom.resources}` resolves to: catalogResources(catalog). */
  resources: Readonly<Record<string, readonly string[]>>;
  /**
   * What `!Ref` gives for resources whose names AWS picks, by logical id, where they differ from
   * the ones template-ids.ts derives (resources the local cloud created before it derived them).
   */
  physicalIds?: Readonly<Record<string, string>>;
}

export interface FunctionRole {
  /** The function's key in serverless.yml, e.g. `create-task-set`. */
  fn: string;
  statements: Statement[];
}

/** Where an empty resource list points instead, as in cli/serverless-catalog.cjs: a name that matches nothing. */
const NONE = 'cutover-none';

export async function readFunctionRoles(
  file: string,
  options: RoleOptions,
): Promise<Map<string, FunctionRole>> {
  return functionRoles(await readFile(file, 'utf8'), options);
}

export function functionRoles(text: string, options: RoleOptions): Map<string, FunctionRole> {
  const doc: unknown = parse(text, { customTags });
  if (!isRecord(doc)) throw new RoleError('serverless.yml does not hold a mapping at the top');
  const template = new Template(doc, options);
  const roles = new Map<string, FunctionRole>();
  for (const [fn, definition] of Object.entries(isRecord(doc.functions) ? doc.functions : {})) {
    const raw = isRecord(definition) ? (definition.iamRoleStatements ?? []) : [];
    const statements = template.value(raw, `functions.${fn}.iamRoleStatements`) as Statement[];
    checkStatements(statements, `functions.${fn}.iamRoleStatements`);
    roles.set(fn, { fn, statements });
  }
  return roles;
}

export interface TemplateResource {
  logicalId: string;
  type: string;
  /** The resource's Properties, evaluated, with `!Ref`s to other resources given by `physicalIds`. */
  properties(physicalIds: Readonly<Record<string, string>>): Record<string, unknown>;
}

/** The resources in serverless.yml's `resources.Resources`, for the local cloud to create (template-resources.ts). */
export function templateResources(text: string, options: RoleOptions): TemplateResource[] {
  const doc: unknown = parse(text, { customTags });
  if (!isRecord(doc)) throw new RoleError('serverless.yml does not hold a mapping at the top');
  const resources =
    isRecord(doc.resources) && isRecord(doc.resources.Resources) ? doc.resources.Resources : {};
  return Object.entries(resources).flatMap(([logicalId, resource]) => {
    if (!isRecord(resource) || typeof resource.Type !== 'string') return [];
    return [
      {
        logicalId,
        type: resource.Type,
        properties: (physicalIds: Readonly<Record<string, string>>) =>
          new Template(doc, { ...options, physicalIds }).value(
            resource.Properties ?? {},
            `resources.${logicalId}.Properties`,
          ) as Record<string, unknown>,
      },
    ];
  });
}

/**
 * Evaluates the CloudFormation functions in a value of a packaged template (its role
 * policies, say) as CloudFormation would for this scope: CI's check that the packaged roles
 * are the ones the local cloud enforces.
 */
export function evaluateTemplate(value: unknown, resources: Record<string, unknown>, scope: Scope): unknown {
  const doc = { service: 'template', resources: { Resources: resources } };
  return new Template(doc, { ...scope, stage: 'template', resources: {} }).value(value, 'template');
}

class Template {
  private readonly service: string;

  constructor(
    private readonly doc: Record<string, unknown>,
    private readonly options: RoleOptions,
  ) {
    this.service = String(doc.service);
  }

  /** A value with every variable and CloudFormation function resolved. */
  value(value: unknown, where: string): unknown {
    if (typeof value === 'string') return this.text(value, where);
    if (Array.isArray(value)) return value.flatMap((v, i) => this.listItem(v, `${where}[${i}]`));
    if (value instanceof CloudFormationTag) return this.intrinsic(value.tag.slice(1), value.value, where);
    if (isRecord(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && (keys[0]!.startsWith('Fn::') || keys[0] === 'Ref')) {
        const name = keys[0] === 'Ref' ? 'Ref' : keys[0]!.slice(4);
        return this.intrinsic(name, value[keys[0]!], where);
      }
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v, `${where}.${k}`)]));
    }
    return value;
  }

  /** A list item that is one variable holding a list (`- ${self:custom.resources.x}`) is spliced in. */
  private listItem(item: unknown, where: string): unknown[] {
    const resolved = this.value(item, where);
    const whole = typeof item === 'string' && /^\$\{[^{}]+\}$/.test(item);
    return whole && Array.isArray(resolved) ? resolved : [resolved];
  }

  private text(value: string, where: string): unknown {
    const whole = /^\$\{([^{}]+)\}$/.exec(value);
    if (whole !== null) return this.variable(whole[1]!.trim(), where);
    return value.replace(/\$\{([^{}]+)\}/g, (all, variable: string) => {
      // ${AWS::Region} and the like are CloudFormation's, for !Sub: the framework leaves them.
      if (variable.startsWith('AWS::')) return all;
      const resolved = this.variable(variable.trim(), where);
      if (typeof resolved !== 'string') throw new RoleError(`${where}: \${${variable}} is not a string`);
      return resolved;
    });
  }

  private variable(variable: string, where: string): unknown {
    if (variable === 'self:service') return this.service;
    if (variable === 'sls:stage') return this.options.stage;
    const resource = /^self:custom\.resources\.([A-Za-z0-9_-]+)$/.exec(variable)?.[1];
    if (resource !== undefined) return this.resourceList(resource, where);
    const custom = /^self:custom\.([A-Za-z0-9_.-]+)$/.exec(variable)?.[1];
    if (custom !== undefined) {
      let node: unknown = this.doc.custom;
      for (const key of custom.split('.')) node = isRecord(node) ? node[key] : undefined;
      if (node === undefined) throw new RoleError(`${where}: \${${variable}} is not in serverless.yml`);
      return this.value(node, where);
    }
    // ${opt:x, 'default'} and ${env:x, 'default'}: packaging for a stage uses the default.
    const fallback = /^(?:opt|env):[A-Za-z0-9_-]+\s*,\s*'([^']*)'$/.exec(variable)?.[1];
    if (fallback !== undefined) return fallback;
    throw new RoleError(`${where}: the local cloud cannot resolve \${${variable}}`);
  }

  private resourceList(key: string, where: string): string[] {
    if (!Object.hasOwn(this.options.resources, key))
      throw new RoleError(`${where}: there is no catalog resource list named ${key}`);
    const values = this.options.resources[key]!;
    if (values.length === 0) {
      return [
        this.pseudo(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${NONE}`),
      ];
    }
    return values.map((v) => this.pseudo(v));
  }

  private pseudo(text: string): string {
    const { partition, region, account } = this.options;
    return text
      .replaceAll('${AWS::Partition}', partition)
      .replaceAll('${AWS::Region}', region)
      .replaceAll('${AWS::AccountId}', account);
  }

  private intrinsic(name: string, argument: unknown, where: string): unknown {
    const args = this.value(argument, where);
    switch (name) {
      case 'Ref':
        return this.ref(String(args), where);
      case 'GetAtt': {
        const [logicalId, attribute] = (Array.isArray(args) ? args : String(args).split('.')) as unknown[];
        return this.getAtt(String(logicalId), String(attribute), where);
      }
      case 'Join': {
        const [separator, parts] = args as [string, unknown[]];
        return parts.map(String).join(separator);
      }
      case 'Sub':
        return String(Array.isArray(args) ? args[0] : args).replace(/\$\{([^}]+)\}/g, (_, name: string) =>
          name.includes('.')
            ? this.getAtt(...(name.split('.') as [string, string]), where)
            : this.ref(name, where),
        );
      default:
        throw new RoleError(`${where}: the local cloud does not evaluate Fn::${name}`);
    }
  }

  private ref(name: string, where: string): string {
    const { partition, region, account } = this.options;
    if (name === 'AWS::Partition') return partition;
    if (name === 'AWS::Region') return region;
    if (name === 'AWS::AccountId') return account;
    const physical = this.options.physicalIds?.[name];
    if (physical !== undefined) return physical;
    const resource = this.resource(name, where);
    if (resource.Type === 'AWS::KMS::Key') return templateKeyId(this.options, name);
    if (resource.Type === 'AWS::S3::Bucket' && resource.Properties.BucketName === undefined)
      return templateBucketName(this.options, name);
    const names = {
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Events::EventBus': 'Name',
      'AWS::S3::Bucket': 'BucketName',
      'AWS::KMS::Alias': 'AliasName',
      'AWS::Scheduler::ScheduleGroup': 'Name',
      'AWS::IAM::Role': 'RoleName',
    } as const;
    const property = names[resource.Type as keyof typeof names];
    if (property === undefined)
      throw new RoleError(`${where}: the local cloud cannot !Ref a ${resource.Type}`);
    return String(this.value(resource.Properties[property], where));
  }

  private getAtt(logicalId: string, attribute: string, where: string): string {
    const resource = this.resource(logicalId, where);
    const { partition, region, account } = this.options;
    if (attribute !== 'Arn')
      throw new RoleError(`${where}: the local cloud evaluates only !GetAtt <resource>.Arn`);
    const name = this.ref(logicalId, where);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        return `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
      case 'AWS::Events::EventBus':
        return `arn:${partition}:events:${region}:${account}:event-bus/${name}`;
      case 'AWS::KMS::Key':
        return `arn:${partition}:kms:${region}:${account}:key/${name}`;
      case 'AWS::S3::Bucket':
        return `arn:${partition}:s3:::${name}`;
      case 'AWS::Scheduler::ScheduleGroup':
        return `arn:${partition}:scheduler:${region}:${account}:schedule-group/${name}`;
      case 'AWS::IAM::Role':
        return `arn:${partition}:iam::${account}:role/${name}`;
      default:
        throw new RoleError(`${where}: the local cloud cannot !GetAtt the Arn of a ${resource.Type}`);
    }
  }

  private resource(logicalId: string, where: string): { Type: string; Properties: Record<string, unknown> } {
    const resources = isRecord(this.doc.resources) ? this.doc.resources.Resources : undefined;
    const resource = isRecord(resources) ? resources[logicalId] : undefined;
    if (!isRecord(resource) || typeof resource.Type !== 'string')
      throw new RoleError(`${where}: serverless.yml has no resource ${logicalId}`);
    return { Type: resource.Type, Properties: isRecord(resource.Properties) ? resource.Properties : {} };
  }
}

// IAM for the local AWS endpoint. Each function signs with credentials of its own (the
// local cloud hands them out per invocation), so the endpoint knows the caller from the
// access key id in the SigV4 Authorization header and holds the request to that function's
// role, as computed from serverless.yml. Any other credentials (the AWS CLI, a person, the
// local cloud's own set-up) act as an administrator, as LocalStack does by default. Resource
// policies bind everyone, the administrator included: KMS key policies (key-policy.ts) and
// DynamoDB tables' resource policies (resource-policy.ts).

import { createHash } from 'node:crypto';
import type { InvocationCredentials } from '../../shared/runtime/invocation-credentials.js';
import { judgeWithKeyPolicy, roleArnOfSession, type KeyPolicyStatement } from './key-policy.js';
import { evaluate, type Statement } from './policy.js';
import { judgeWithResourcePolicy, type ResourcePolicyLookup } from './resource-policy.js';
import { authorizationsFor, type Authorization, type Scope } from './requests.js';
import type { FunctionRole } from './roles.js';
import { UnauthorizableRequest } from '../errors.js';

export interface Principal {
  fn: string;
  /** As an assumed-role session: arn:aws:sts::<account>:assumed-role/<role>/<function>. */
  arn: string;
  statements: Statement[];
}

export interface Decision {
  principal: Principal;
  authorization: Authorization;
  allowed: boolean;
}

export interface Denial {
  /** As AWS words it, naming the caller, the action and the resource. */
  message: string;
  authorization: Authorization;
}

export interface IamOptions extends Scope {
  /** The stack's service name and stage: `cutover`, `local`. */
  service: string;
  stage: string;
  roles: ReadonlyMap<string, FunctionRole>;
  /** The name AWS gives a function's role (shared with preflight). */
  roleName: (fn: string) => string;
  /** The key policy of a KMS key, by key ARN; IAM evaluates it with the caller's (key-policy.ts). */
  keyPolicy?: (keyArn: string) => KeyPolicyStatement[] | undefined;
  /** The resource policy of a DynamoDB table (or one of its indexes), by ARN (resource-policy.ts). */
  resourcePolicy?: ResourcePolicyLookup;
}

/** The services whose resource policies bind the administrator too, so its requests are checked. */
const RESOURCE_POLICY_PREFIXES = new Set(['kms', 'dynamodb']);

/** Whom the local cloud's own credentials (the AWS CLI, tests, set-up) act as: an administrator. */
const ADMINISTRATOR = 'user/local-administrator';

export class LocalIam {
  private readonly byKey = new Map<string, Principal>();
  private readonly credentials = new Map<string, InvocationCredentials>();
  private readonly listeners = new Set<(decision: Decision) => void>();

  constructor(private readonly options: IamOptions) {
    for (const [fn, role] of options.roles) {
      const accessKeyId = `ASIA${createHash('sha256').update(fn).digest('hex').slice(0, 16).toUpperCase()}`;
      const fullName = `${options.service}-${options.stage}-${fn}`;
      this.credentials.set(fn, { accessKeyId, secretAccessKey: `local-${fn}` });
      this.byKey.set(accessKeyId, {
        fn,
        arn: `arn:${options.partition}:sts::${options.account}:assumed-role/${options.roleName(fn)}/${fullName}`,
        statements: role.statements,
      });
    }
  }

  /** The credentials a function's invocations sign with. */
  credentialsFor(fn: string): InvocationCredentials {
    const credentials = this.credentials.get(fn);
    if (credentials === undefined) throw new Error(`serverless.yml declares no function ${fn}`);
    return credentials;
  }

  principal(accessKeyId: string): Principal | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** Who signs with this key, as an ARN (a function's role session, or the administrator); ECS records it. */
  callerArn(accessKeyId: string | undefined): string {
    const { partition, account } = this.options;
    return this.byKey.get(accessKeyId ?? '')?.arn ?? `arn:${partition}:iam::${account}:${ADMINISTRATOR}`;
  }

  /**
   * A role an AWS service assumes to act for the stack (Scheduler running a schedule as its
   * target's role): its statements, and the credentials the service's calls sign with.
   */
  addServiceRole(roleArn: string, session: string, statements: Statement[]): InvocationCredentials {
    const accessKeyId = `ASIA${createHash('sha256').update(roleArn).digest('hex').slice(0, 16).toUpperCase()}`;
    const roleName = roleArn.split('/').at(-1)!;
    this.byKey.set(accessKeyId, {
      fn: roleName,
      arn: `arn:${this.options.partition}:sts::${this.options.account}:assumed-role/${roleName}/${session}`,
      statements,
    });
    return { accessKeyId, secretAccessKey: `local-${roleName}` };
  }

  /** Each function's statements, as they stand. */
  roles(): Map<string, Statement[]> {
    return new Map([...this.byKey.values()].map((p) => [p.fn, p.statements]));
  }

  /** A function's principal, with its statements as they stand. */
  principalOf(fn: string): Principal {
    const principal = [...this.byKey.values()].find((p) => p.fn === fn);
    if (principal === undefined) throw new Error(`serverless.yml declares no function ${fn}`);
    return principal;
  }

  /** Every decision, as it is made (tests use this to see which step needs which permission). */
  onDecision(listener: (decision: Decision) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Replaces a function's statements (tests remove one permission to show which step needs
   * it). Returns a function that puts the old ones back.
   */
  replaceStatements(fn: string, statements: Statement[]): () => void {
    const principal = this.principalOf(fn);
    const before = principal.statements;
    principal.statements = statements;
    return () => {
      principal.statements = before;
    };
  }

  /**
   * Null if the caller may make this request; otherwise why not. Unknown callers act as an
   * administrator, whose identity policy allows everything; a KMS key's policy, or a table's
   * resource policy, binds them too.
   */
  check(accessKeyId: string, prefix: string, action: string, input: Record<string, unknown>): Denial | null {
    const principal = this.byKey.get(accessKeyId);
    if (principal === undefined && !RESOURCE_POLICY_PREFIXES.has(prefix)) return null;
    const { partition, account } = this.options;
    const arn = principal?.arn ?? `arn:${partition}:iam::${account}:${ADMINISTRATOR}`;
    let authorizations;
    try {
      authorizations = authorizationsFor(prefix, action, input, this.options);
    } catch (error) {
      // An administrator's request IAM cannot place (an operation the local KMS lacks) is the service's to refuse.
      if (principal === undefined && error instanceof UnauthorizableRequest) return null;
      throw error;
    }
    return this.judge(principal, arn, authorizations);
  }

  /**
   * Null if the role behind these credentials (a service role, addServiceRole) may make each of
   * these requests; otherwise why not. For what a service does as a role and no API request
   * carries: Step Functions calling an HTTP endpoint as the state machine's role.
   */
  checkAuthorizations(accessKeyId: string, authorizations: Authorization[]): Denial | null {
    const principal = this.byKey.get(accessKeyId);
    if (principal === undefined) throw new Error(`no role signs with ${accessKeyId}`);
    return this.judge(principal, principal.arn, authorizations);
  }

  private judge(
    principal: Principal | undefined,
    arn: string,
    authorizations: readonly Authorization[],
  ): Denial | null {
    const { account } = this.options;
    const caller = { arns: [arn, roleArnOfSession(arn) ?? arn], account };
    // The global condition keys AWS sets on every request: a key policy may name the caller by them.
    const principalContext = { 'aws:PrincipalArn': caller.arns[1]!, 'aws:PrincipalAccount': account };
    for (const request of authorizations) {
      const authorization = { ...request, context: { ...principalContext, ...request.context } };
      const identity =
        principal === undefined
          ? ({ effect: 'Allow', statement: { Effect: 'Allow', Action: '*', Resource: '*' } } as const)
          : evaluate(principal.statements, authorization);
      const keyPolicy = this.options.keyPolicy?.(authorization.resource);
      // Without a resource policy, the identity policy alone decides (resource-policy.ts).
      const verdict =
        keyPolicy !== undefined
          ? judgeWithKeyPolicy(keyPolicy, identity, caller, authorization)
          : judgeWithResourcePolicy(
              this.options.resourcePolicy?.(authorization.resource) ?? [],
              identity,
              caller,
              authorization,
            );
      if (principal !== undefined)
        for (const listener of this.listeners)
          listener({ principal, authorization: request, allowed: verdict.allowed });
      if (!verdict.allowed) {
        return {
          authorization: request,
          message: `User: ${arn} is not authorized to perform: ${authorization.action} on resource: ${authorization.resource} ${verdict.why}`,
        };
      }
    }
    return null;
  }
}

// The names the packaged stack gives its resources, computed as the packaging computes them,
// so that preflight (and the local cloud) can look them up without reading the template.
//
// Each function's IAM role is named by the serverless-iam-roles-per-function plugin
// (getFunctionRoleName in its src/lib/index.ts): it takes the framework's global role name,
// `<service>-<stage>-${AWS::Region}-lambdaRole` joined with `-`, and inserts the function's
// key in serverless.yml after the stage. IAM allows 64 characters, so when the name would be
// longer the plugin drops the `lambdaRole` part; if it is still longer, packaging fails
// (the plugin then asks for `iamRoleStatementsName`, which serverless.yml does not use).

import { RoleNameTooLong } from './errors.js';

/** `service:` in serverless.yml. */
export const STACK_SERVICE = 'cutover';

/** The stage `npm run package` and `osls deploy` use without `--stage` (`${opt:stage, 'dev'}`). */
export const DEFAULT_STAGE = 'dev';

/** The stage the local cloud plays: its rules and roles are named as a stack of this stage. */
export const LOCAL_STAGE = 'local';

/** IAM's limit on a role name (RoleName in CreateRole). */
export const ROLE_NAME_MAX = 64;

export interface RoleNameInput {
  /** The function's key under `functions:` in serverless.yml, e.g. `create-task-set`. */
  functionName: string;
  stage: string;
  region: string;
  /** Default: `cutover`. */
  service?: string;
}

/**
 * The role name serverless-iam-roles-per-function gives a function, e.g.
 * `cutover-dev-create-task-set-us-east-1-lambdaRole`, or without `-lambdaRole` past 64 characters.
 */
export function functionRoleName(input: RoleNameInput): string {
  const service = input.service ?? STACK_SERVICE;
  const parts = [service, input.stage, input.functionName, input.region, 'lambdaRole'];
  if (joinedLength(parts) > ROLE_NAME_MAX) parts.pop();
  const name = parts.join('-');
  if (name.length > ROLE_NAME_MAX) {
    throw new RoleNameTooLong(
      `the role of function ${input.functionName} would be named ${name} (${name.length} characters), ` +
        `over IAM's ${ROLE_NAME_MAX}, so packaging fails: use a shorter stage (now ${input.stage}) or function name`,
    );
  }
  return name;
}

/** Each function's role name, by function. */
export function functionRoleNames(
  functionNames: readonly string[],
  stack: Omit<RoleNameInput, 'functionName'>,
): Record<string, string> {
  return Object.fromEntries(
    functionNames.map((functionName) => [functionName, functionRoleName({ ...stack, functionName })]),
  );
}

/** As the plugin counts it: every part's length plus one dash between each two. */
function joinedLength(parts: readonly string[]): number {
  return parts.reduce((sum, part) => sum + part.length, 0) + parts.length - 1;
}

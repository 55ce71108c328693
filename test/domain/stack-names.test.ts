import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../local/functions.js';
import { RoleNameTooLong } from '../../shared/domain/errors.js';
import { functionRoleName, functionRoleNames, ROLE_NAME_MAX } from '../../shared/domain/stack-names.js';

const require = createRequire(import.meta.url);

interface RolesPlugin {
  getFunctionRoleName(functionName: string): { 'Fn::Join': [string, (string | { Ref: string })[]] };
}

/** The plugin itself, on the least of the framework it needs to name a role. */
function plugin(stage: string, region: string): RolesPlugin {
  const Plugin = require('serverless-iam-roles-per-function') as new (serverless: unknown) => RolesPlugin;
  return new Plugin({
    service: { service: 'cutover', provider: { name: 'aws', region } },
    providers: {
      aws: {
        naming: {
          // osls's naming.getRoleName() when serverless.yml sets no provider.iam.role.name.
          getRoleName: () => ({
            'Fn::Join': ['-', ['cutover', stage, { Ref: 'AWS::Region' }, 'lambdaRole']],
          }),
        },
      },
    },
    classes: { Error },
  });
}

/** What CloudFormation makes of the plugin's Fn::Join in `region`. */
function pluginRoleName(functionName: string, stage: string, region: string): string {
  const [separator, parts] = plugin(stage, region).getFunctionRoleName(functionName)['Fn::Join'];
  return parts.map((part) => (typeof part === 'string' ? part : region)).join(separator);
}

describe('functionRoleName', () => {
  it('is <service>-<stage>-<function>-<region>-lambdaRole', () => {
    expect(functionRoleName({ functionName: 'promote', stage: 'dev', region: 'us-east-1' })).toBe(
      'cutover-dev-promote-us-east-1-lambdaRole',
    );
  });

  it.each([
    ['dev', 'us-east-1'],
    ['prod', 'eu-west-1'],
    ['local', 'us-east-1'],
    ['staging', 'ap-southeast-2'],
  ])('names every function in serverless.yml as the plugin does (stage %s, %s)', (stage, region) => {
    for (const functionName of FUNCTION_NAMES) {
      expect(functionRoleName({ functionName, stage, region })).toBe(
        pluginRoleName(functionName, stage, region),
      );
    }
  });

  it('keeps -lambdaRole at exactly 64 characters and drops it at 65, as the plugin does', () => {
    // cutover-<stage>-register-task-definition-us-east-1-lambdaRole is 54 + the stage's length.
    const at64 = { functionName: 'register-task-definition', stage: 'abcdefghij', region: 'us-east-1' };
    const at65 = { ...at64, stage: 'abcdefghijk' };
    expect(functionRoleName(at64)).toHaveLength(ROLE_NAME_MAX);
    expect(functionRoleName(at64)).toBe(pluginRoleName(at64.functionName, at64.stage, at64.region));
    expect(functionRoleName(at65)).toBe('cutover-abcdefghijk-register-task-definition-us-east-1');
    expect(functionRoleName(at65)).toBe(pluginRoleName(at65.functionName, at65.stage, at65.region));
  });

  it('refuses a name over 64 characters even without -lambdaRole, where packaging fails too', () => {
    const input = {
      functionName: 'register-task-definition',
      stage: 'a'.repeat(20),
      region: 'ap-southeast-2',
    };
    expect(() => pluginRoleName(input.functionName, input.stage, input.region)).toThrow(/too long/);
    expect(() => functionRoleName(input)).toThrow(RoleNameTooLong);
    expect(() => functionRoleName(input)).toThrow(/over IAM's 64.*use a shorter stage/);
  });

  it('takes another service name', () => {
    expect(functionRoleName({ service: 'cd', functionName: 'api', stage: 'prod', region: 'eu-west-1' })).toBe(
      'cd-prod-api-eu-west-1-lambdaRole',
    );
  });
});

describe('functionRoleNames', () => {
  it('names each function', () => {
    expect(functionRoleNames(['api', 'on-alarm'], { stage: 'prod', region: 'eu-west-1' })).toEqual({
      api: 'cutover-prod-api-eu-west-1-lambdaRole',
      'on-alarm': 'cutover-prod-on-alarm-eu-west-1-lambdaRole',
    });
  });
});

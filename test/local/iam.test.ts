// The local IAM over its real wire protocol (query, 2010-05-08): a real IAMClient against
// createAwsServer, GetRole and ListRoles, and the errors AWS answers with.

import {
  GetRoleCommand,
  IAMClient,
  ListRolesCommand,
  NoSuchEntityException,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAM_API_VERSION, IAM_NAMESPACE, LocalIamService } from '../../local/aws/iam.js';
import { clientConfig, serve, type RunningServer } from '../support/local-server.js';

const ACCOUNT = '000000000000';
const ROLE = 'cutover-local-promote-us-east-1-lambdaRole';

describe('LocalIamService through the AWS SDK', () => {
  const iam = new LocalIamService({
    account: ACCOUNT,
    roles: [ROLE, `arn:aws:iam::${ACCOUNT}:role/service-role/ops-audit`, 'a-third'],
    createdAt: new Date('2026-01-02T03:04:05Z'),
  });
  let server: RunningServer;
  let client: IAMClient;

  beforeAll(async () => {
    server = await serve({
      query: { [IAM_API_VERSION]: { service: iam.service, namespace: IAM_NAMESPACE } },
    });
    client = new IAMClient(clientConfig(server.endpoint));
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('GetRole answers a role that exists, with its ARN, path, id and creation date', async () => {
    const { Role } = await client.send(new GetRoleCommand({ RoleName: ROLE }));
    expect(Role).toMatchObject({
      RoleName: ROLE,
      Path: '/',
      Arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
      CreateDate: new Date('2026-01-02T03:04:05Z'),
    });
    expect(Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
  });

  it('GetRole keeps the path of a role given by ARN', async () => {
    const { Role } = await client.send(new GetRoleCommand({ RoleName: 'ops-audit' }));
    expect(Role?.Path).toBe('/service-role/');
    expect(Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/service-role/ops-audit`);
  });

  it('GetRole of a role that does not exist is NoSuchEntity (404), as on AWS', async () => {
    const error = await client.send(new GetRoleCommand({ RoleName: 'cutover-dev-promote' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect((error as NoSuchEntityException).message).toBe(
      'The role with name cutover-dev-promote cannot be found.',
    );
    expect((error as NoSuchEntityException).$metadata.httpStatusCode).toBe(404);
  });

  it('GetRole finds a role whatever the case of its name, as IAM names are unique regardless of case', async () => {
    const { Role } = await client.send(new GetRoleCommand({ RoleName: ROLE.toUpperCase() }));
    expect(Role?.RoleName).toBe(ROLE);
  });

  it('GetRole refuses a name IAM would not accept', async () => {
    await expect(client.send(new GetRoleCommand({ RoleName: 'no spaces' }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/roleName.*regular expression/) as unknown,
    });
  });

  it('ListRoles pages through every role, and filters by path prefix', async () => {
    const names: string[] = [];
    for await (const page of paginateListRoles({ client, pageSize: 2 }, {})) {
      names.push(...(page.Roles ?? []).map((r) => r.RoleName ?? ''));
    }
    expect(names).toEqual(['a-third', ROLE, 'ops-audit']);
    const { Roles } = await client.send(new ListRolesCommand({ PathPrefix: '/service-role/' }));
    expect(Roles?.map((r) => r.RoleName)).toEqual(['ops-audit']);
  });

  it('refuses, when made, a role that is neither a name nor an ARN of its account', () => {
    expect(() => new LocalIamService({ account: ACCOUNT, roles: ['bad name'] })).toThrow(
      /not an IAM role name/,
    );
    expect(
      () => new LocalIamService({ account: ACCOUNT, roles: ['arn:aws:iam::123456789012:role/x'] }),
    ).toThrow(/not in the local account/);
  });
});

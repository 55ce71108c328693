// functions/api.ts with a real API Gateway HTTP API (payload 2.0, IAM) event, cloned
// and changed one field per case, over the engine's in-memory fakes.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler, type HttpApiEvent, type HttpApiResult } from '../../functions/api.js';
import { createWorld, depsOf, DIGEST, drive, REGISTRY, seedService, start } from '../../harness/engine.js';

const fixture = JSON.parse(
  readFileSync(new URL('../events/apigateway/http-api-iam.json', import.meta.url), 'utf8'),
) as HttpApiEvent & { rawPath: string; requestContext: { http: { method: string } } };

function event(change: (e: typeof fixture) => void = () => undefined) {
  const copy = structuredClone(fixture);
  change(copy);
  return copy;
}

async function waitingForApproval() {
  const world = createWorld();
  seedService(world, 'api');
  const execution = start(
    world,
    'blue-green',
    { service: 'api', image: `${REGISTRY}/api@${DIGEST(2)}` },
    'api-7f5b2640fe6f',
  );
  await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
  const handler = createHandler({ ...depsOf(world), catalog: world.catalog });
  const call = async (e: HttpApiEvent) => {
    const result = (await handler(e, {})) as HttpApiResult;
    return { ...result, json: JSON.parse(result.body) as Record<string, unknown> };
  };
  return { world, execution, call };
}

describe('functions/api', () => {
  it('approves as the IAM caller, who is recorded in the ledger', async () => {
    const { world, execution, call } = await waitingForApproval();
    const result = await call(event((e) => (e.rawPath = `/deployments/${execution.name}/approve`)));
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toBe('application/json');
    expect(result.json).toEqual({
      deploymentId: execution.name,
      action: 'approve',
      accepted: true,
      effect: "the approval's token was answered: production traffic starts moving to the new release",
    });
    await drive(world, execution);
    expect(world.ledger.records('api').find((r) => r.type === 'OperatorAction')).toMatchObject({
      type: 'OperatorAction',
      actor: 'arn:aws:iam::123456789012:user/ana',
      detail: { action: 'approve', reason: 'contract tests pass' },
    });
  });

  it('decodes a base64 body', async () => {
    const { execution, call } = await waitingForApproval();
    const result = await call(
      event((e) => {
        e.rawPath = `/deployments/${execution.name}/approve`;
        e.body = Buffer.from('{"reason":"ok"}').toString('base64');
        e.isBase64Encoded = true;
      }),
    );
    expect(result.statusCode).toBe(200);
  });

  it('answers 404 in the error shape for a deployment that does not exist', async () => {
    const { call } = await waitingForApproval();
    const result = await call(event());
    expect(result.statusCode).toBe(404);
    expect(result.json).toEqual({ error: { code: 'NotFound', message: 'no deployment web-7f5b2640fe6f' } });
  });

  it('answers 405 with Allow for a method the route does not take', async () => {
    const { execution, call } = await waitingForApproval();
    const result = await call(
      event((e) => {
        e.rawPath = `/deployments/${execution.name}/approve`;
        e.requestContext.http.method = 'GET';
      }),
    );
    expect(result.statusCode).toBe(405);
    expect(result.headers.allow).toBe('POST');
  });

  it('answers 422 listing the problem for a body that does not fit', async () => {
    const { execution, call } = await waitingForApproval();
    const result = await call(
      event((e) => {
        e.rawPath = `/deployments/${execution.name}/approve`;
        e.body = '{"reason": 42}';
      }),
    );
    expect(result.statusCode).toBe(422);
    expect(result.json).toMatchObject({ error: { code: 'Unprocessable', problems: [{ path: 'reason' }] } });
  });
});

describe('functions/api: who acts', () => {
  const noAuthorizer = JSON.parse(
    readFileSync(new URL('../events/apigateway/http-api-no-authorizer.json', import.meta.url), 'utf8'),
  ) as typeof fixture;

  it('takes the actor from the IAM principal and ignores an X-Cutover-Actor header', async () => {
    const { world, execution, call } = await waitingForApproval();
    const result = await call(
      event((e) => {
        e.rawPath = `/deployments/${execution.name}/approve`;
        e.headers = {
          ...e.headers,
          'x-cutover-actor': 'state-machine',
          'X-Cutover-Actor': 'operator:mallory',
        };
      }),
    );
    expect(result.statusCode).toBe(200);
    await drive(world, execution);
    const actors = world.ledger.records('api').map((r) => r.actor);
    expect(world.ledger.records('api').find((r) => r.type === 'OperatorAction')?.actor).toBe(
      'arn:aws:iam::123456789012:user/ana',
    );
    expect(actors).not.toContain('operator:mallory');
  });

  it.each([
    ['no authorizer in the request context', () => structuredClone(noAuthorizer)],
    [
      'an IAM authorizer without userArn',
      () => event((e) => delete e.requestContext.authorizer!.iam!.userArn),
    ],
    ['an empty userArn', () => event((e) => (e.requestContext.authorizer!.iam!.userArn = ''))],
    ['no request context at all', () => event((e) => delete (e as HttpApiEvent).requestContext)],
  ])('refuses a request with %s: 403, nothing written, the header not trusted', async (_name, make) => {
    const { world, execution, call } = await waitingForApproval();
    const before = world.ledger.records('api').length;
    const request = make();
    request.rawPath = `/deployments/${execution.name}/approve`;
    request.headers = { ...request.headers, 'x-cutover-actor': 'arn:aws:iam::123456789012:user/ana' };
    const result = await call(request);
    expect(result.statusCode).toBe(403);
    expect(result.json).toEqual({
      error: { code: 'Forbidden', message: expect.stringMatching(/carries no IAM principal/) as unknown },
    });
    expect(world.ledger.records('api')).toHaveLength(before);
    expect(world.deployments.items.get(execution.name)?.approval).toBeDefined();
  });

  it('refuses a principal spelled like the system itself, naming the prefix', async () => {
    const { world, execution, call } = await waitingForApproval();
    const before = world.ledger.records('api').length;
    const result = await call(
      event((e) => {
        e.rawPath = `/deployments/${execution.name}/approve`;
        e.requestContext.authorizer!.iam!.userArn = 'alarm:api-5xx-rate';
      }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.json).toMatchObject({
      error: { code: 'BadRequest', message: expect.stringMatching(/reserved prefix "alarm"/) as unknown },
    });
    expect(world.ledger.records('api')).toHaveLength(before);
  });

  it('refuses a reason with an escape sequence, naming the field, and writes nothing', async () => {
    const { world, execution, call } = await waitingForApproval();
    const before = world.ledger.records('api').length;
    const result = await call(
      event((e) => {
        e.rawPath = `/deployments/${execution.name}/approve`;
        e.body = JSON.stringify({ reason: 'ok\u001b[2K\rRELEASE 99 promoted' });
      }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.json).toMatchObject({
      error: {
        code: 'BadRequest',
        message: expect.stringMatching(/^reason has the control character U\+001B \(ESC\)/) as unknown,
      },
    });
    expect(world.ledger.records('api')).toHaveLength(before);
  });
});

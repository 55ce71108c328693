// The bake schedules' signed REST-JSON requests (shared/aws/rest-json-requests.ts), against a
// stand-in for EventBridge Scheduler that checks signatures: the same method, path, query and
// body the SDK's own Scheduler client sends for the same input (but for the idempotency token,
// fresh at each call from both), and errors named as that client names them on the same answer.

import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsServiceError, TransientError } from '../../shared/aws/errors.js';
import { RestJsonRequests, SCHEDULER } from '../../shared/aws/rest-json-requests.js';
import { bakeScheduleName, SchedulerBakeSchedules } from '../../shared/aws/scheduler-bake-schedules.js';
import { json, StandInAws, type Answer, type Received } from '../support/stand-in-aws.js';

const SETTINGS = { group: 'cutover-bakes', roleArn: 'arn:aws:iam::123456789012:role/bake-scheduler' };
const BAKE = {
  deploymentId: 'web-0123456789ab',
  token: 'token-1',
  endsAt: Date.parse('2030-01-01T00:05:00Z'),
};
const NAME = bakeScheduleName(BAKE.deploymentId, BAKE.token);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let scheduler: StandInAws;
beforeAll(async () => {
  scheduler = await new StandInAws('scheduler').start();
});
afterAll(() => scheduler.stop());
beforeEach(() => scheduler.reset());

const schedules = (maxAttempts = 1) =>
  new SchedulerBakeSchedules(new RestJsonRequests(SCHEDULER, scheduler.config({ maxAttempts })), SETTINGS);

/** The SDK's client, on the same server, tried once. */
async function viaSdk(send: (client: SchedulerClient) => Promise<unknown>): Promise<unknown> {
  const client = new SchedulerClient(scheduler.config());
  try {
    return await send(client);
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
}

const split = (request: Received) => {
  const url = new URL(request.url, 'http://stand-in');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
};

describe('requests, as the SDK sends them', () => {
  it('CreateSchedule: POST /schedules/{Name}, the rest in a JSON body, a fresh ClientToken', async () => {
    await schedules().schedule(BAKE);
    const ours = scheduler.received[0]!;
    const sent = JSON.parse(ours.body) as Record<string, unknown>;
    await viaSdk((client) => client.send(new CreateScheduleCommand({ ...sent, Name: NAME } as never)));
    const theirs = scheduler.received[1]!;

    expect(ours.problem).toBeUndefined();
    expect(ours.method).toBe('POST');
    expect(split(ours)).toEqual({ path: `/schedules/${NAME}`, query: {} });
    expect(split(ours)).toEqual(split(theirs));
    expect(ours.headers['content-type']).toBe(theirs.headers['content-type']);
    const { ClientToken: ourToken, ...ourBody } = sent;
    const { ClientToken: theirToken, ...theirBody } = JSON.parse(theirs.body) as Record<string, unknown>;
    expect(ourBody).toEqual(theirBody);
    expect(ourBody).toMatchObject({
      GroupName: SETTINGS.group,
      ScheduleExpression: 'at(2030-01-01T00:05:00)',
    });
    expect(ourToken).toMatch(UUID);
    expect(theirToken).toMatch(UUID);

    await schedules().schedule(BAKE);
    expect((JSON.parse(scheduler.received[2]!.body) as { ClientToken: string }).ClientToken).not.toBe(
      ourToken,
    );
  });

  it('DeleteSchedule: DELETE /schedules/{Name}?groupName=…&clientToken=…, no body', async () => {
    await schedules().cancel(BAKE);
    await viaSdk((client) =>
      client.send(new DeleteScheduleCommand({ Name: NAME, GroupName: SETTINGS.group })),
    );
    const [ours, theirs] = scheduler.received;

    expect(ours!.problem).toBeUndefined();
    expect(ours!.method).toBe(theirs!.method);
    expect(ours!.body).toBe('');
    const { path, query } = split(ours!);
    expect(path).toBe(split(theirs!).path);
    expect(query.groupName).toBe(SETTINGS.group);
    expect(query.clientToken).toMatch(UUID);
    expect(Object.keys(query).sort()).toEqual(Object.keys(split(theirs!).query).sort());
  });
});

describe('errors, named as the SDK names them', () => {
  const typed = (status: number, type: string, message: string): Answer =>
    json(status, { Message: message }, { 'x-amzn-errortype': type });
  const CASES = [
    {
      answer: typed(
        409,
        'ConflictException:http://internal.amazon.com/coral/com.amazonaws.chronos/',
        'exists',
      ),
      name: 'ConflictException',
    },
    {
      answer: typed(404, 'ResourceNotFoundException', 'Schedule bake-x does not exist.'),
      name: 'ResourceNotFoundException',
    },
    { answer: typed(400, 'ValidationException', 'bad name'), name: 'ValidationException' },
    { answer: typed(429, 'ThrottlingException', 'Rate exceeded'), name: 'ThrottlingException' },
    {
      answer: json(500, { __type: 'InternalServerException', Message: 'oops' }),
      name: 'InternalServerException',
    },
  ];

  it.each(CASES)('$name', async ({ answer, name }) => {
    scheduler.answer = () => answer;
    const ours = await new RestJsonRequests(SCHEDULER, scheduler.config())
      .send({ method: 'DELETE', path: `/schedules/${NAME}`, query: { groupName: SETTINGS.group } })
      .catch((e: unknown) => e);
    const theirs = await viaSdk((client) =>
      client.send(new DeleteScheduleCommand({ Name: NAME, GroupName: SETTINGS.group })),
    );

    expect((theirs as Error).name).toBe(name);
    expect(ours).toBeInstanceOf(AwsServiceError);
    expect(ours).toMatchObject({ name, $metadata: { httpStatusCode: answer.status } });
    expect((ours as Error).message).toBe((JSON.parse(answer.body) as { Message: string }).Message);
  });

  it('a schedule made already, or gone already, is done; throttling is TransientError after 3 tries', async () => {
    scheduler.answer = () => CASES[0]!.answer;
    await expect(schedules().schedule(BAKE)).resolves.toBeUndefined();
    scheduler.answer = () => CASES[1]!.answer;
    await expect(schedules().cancel(BAKE)).resolves.toBeUndefined();

    scheduler.reset();
    scheduler.answer = () => CASES[3]!.answer;
    await expect(schedules(3).cancel(BAKE)).rejects.toBeInstanceOf(TransientError);
    expect(scheduler.received).toHaveLength(3);

    scheduler.answer = () => CASES[2]!.answer;
    await expect(schedules().schedule(BAKE)).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

// Contract tests of the alarm-watcher adapter (DynamoAlarmWatchers) against real DynamoDB
// emulators: dynalite (the local cloud's DynamoDB) and moto_server (skipped, and reported as
// skipped, where it is not installed). Where an emulator departs from DynamoDB's documented
// behaviour the case is marked with the gap. Set-up and fixtures: test/support/deployments-table.ts.

import { randomUUID } from 'node:crypto';
import { DescribeTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DYNAMODB_EMULATORS } from '../../harness/emulators.js';
import { NOW, TABLE, deploymentsTableOn, newId } from '../support/deployments-table.js';
import { DynamoAlarmWatchers } from '../../shared/aws/dynamodb-alarm-watchers.js';
import { DEPLOYMENTS_TTL_ATTRIBUTE } from '../../local/aws/dynamodb-tables.js';

for (const emulator of DYNAMODB_EMULATORS) {
  describe.skipIf(!emulator.available)(`deployments table adapters on ${emulator.name}`, () => {
    const table = deploymentsTableOn(emulator);
    const { rawItem, itUnlessGapOn } = table;
    let base: DynamoDBClient;
    let watchers: DynamoAlarmWatchers;

    beforeAll(() => {
      base = table.base;
      watchers = new DynamoAlarmWatchers(table.documents, TABLE);
    });

    describe('AlarmWatchers', () => {
      it('finds the watchers of an alarm by its name, and unwatch removes only that deployment', async () => {
        const alarm = `web-5xx-${randomUUID()}`;
        const other = `web-latency-${randomUUID()}`;
        const [a, b] = [newId(), newId()];
        const expiresAt = Math.floor(NOW / 1000) + 600;
        await watchers.watch(
          [
            { alarmName: alarm, deploymentId: a, service: 'web', token: 'token-a' },
            { alarmName: other, deploymentId: a, service: 'web', token: 'token-a' },
          ],
          expiresAt,
        );
        await watchers.watch(
          [{ alarmName: alarm, deploymentId: b, service: 'api', token: 'token-b' }],
          expiresAt,
        );

        const found = await watchers.watchersOf(alarm);
        expect(found.sort((x, y) => x.token.localeCompare(y.token))).toEqual([
          { alarmName: alarm, deploymentId: a, service: 'web', token: 'token-a' },
          { alarmName: alarm, deploymentId: b, service: 'api', token: 'token-b' },
        ]);
        expect(await watchers.watchersOf(`nobody-${randomUUID()}`)).toEqual([]);

        await watchers.unwatch(a, [alarm, other]);
        expect(await watchers.watchersOf(alarm)).toEqual([
          { alarmName: alarm, deploymentId: b, service: 'api', token: 'token-b' },
        ]);
        expect(await watchers.watchersOf(other)).toEqual([]);
      });

      it('is idempotent: a retried watch stores one watcher, a new bake replaces its token', async () => {
        const alarm = `web-5xx-${randomUUID()}`;
        const id = newId();
        const watcher = { alarmName: alarm, deploymentId: id, service: 'web', token: 'token-1' };
        await watchers.watch([watcher], 1_741_943_400);
        await watchers.watch([watcher], 1_741_943_400);
        expect(await watchers.watchersOf(alarm)).toEqual([watcher]);
        await watchers.watch([{ ...watcher, token: 'token-2' }], 1_741_944_000);
        expect(await watchers.watchersOf(alarm)).toEqual([{ ...watcher, token: 'token-2' }]);
        // Stored under ALARM#<name> / DEPLOYMENT#<id>, with the TTL attribute in epoch seconds.
        expect(await rawItem(`ALARM#${alarm}`, `DEPLOYMENT#${id}`)).toMatchObject({
          [DEPLOYMENTS_TTL_ATTRIBUTE]: 1_741_944_000,
          token: 'token-2',
        });
        await expect(watchers.unwatch(id, [alarm, `never-watched-${randomUUID()}`])).resolves.toBeUndefined();
        expect(await watchers.watchersOf(alarm)).toEqual([]);
      });

      // known dynalite gap: it has no UpdateTimeToLive and DescribeTimeToLive always says DISABLED, vs
      // AWS docs https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
      // (TTL only cleans up finished bakes; no adapter relies on items expiring).
      itUnlessGapOn('dynalite')(
        'has TTL enabled on expiresAt, so watchers go away after the bake',
        async () => {
          const output = await base.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
          expect(output.TimeToLiveDescription).toMatchObject({
            TimeToLiveStatus: 'ENABLED',
            AttributeName: DEPLOYMENTS_TTL_ATTRIBUTE,
          });
        },
      );
    });
  });
}

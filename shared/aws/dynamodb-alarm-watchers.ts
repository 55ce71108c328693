// AlarmWatchers on the deployments table (dynamodb-deployments-table.ts): one item per alarm a
// baking deployment watches,
//   pk ALARM#<alarmName>   sk DEPLOYMENT#<id>   deploymentId, service, token,
//                                               expiresAt (s, the table's TTL)

import type { AlarmWatcher, AlarmWatchers } from '../ports/deployments.js';
import { alarmPk, DeploymentsTableAdapter, watcherKey } from './dynamodb-deployments-table.js';

export class DynamoAlarmWatchers extends DeploymentsTableAdapter implements AlarmWatchers {
  /** `expiresAt` is in epoch seconds, the unit of DynamoDB's TTL, which removes the items after the bake. */
  async watch(watchers: readonly AlarmWatcher[], expiresAt: number): Promise<void> {
    // Unconditional puts: a retried step writes the same items again, and a new bake of the same
    // deployment replaces the old token with the one that must now be failed.
    await Promise.all(
      watchers.map((watcher) =>
        this.attempt('PutItem alarm watcher', (TableName) =>
          this.documents.putItem({
            TableName,
            Item: {
              ...watcherKey(watcher.alarmName, watcher.deploymentId),
              deploymentId: watcher.deploymentId,
              service: watcher.service,
              token: watcher.token,
              expiresAt,
            },
          }),
        ),
      ),
    );
  }

  async watchersOf(alarmName: string): Promise<AlarmWatcher[]> {
    const items = await this.queryAll('Query alarm watchers', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': alarmPk(alarmName) },
      // Strongly consistent: an alarm firing right after a bake stored its token must find it.
      ConsistentRead: true,
    });
    return items.map((item) => ({
      alarmName,
      deploymentId: item.deploymentId as string,
      service: item.service as string,
      token: item.token as string,
    }));
  }

  async unwatch(deploymentId: string, alarmNames: readonly string[]): Promise<void> {
    await Promise.all(
      alarmNames.map((alarmName) =>
        this.attempt('DeleteItem alarm watcher', (TableName) =>
          this.documents.deleteItem({ TableName, Key: watcherKey(alarmName, deploymentId) }),
        ),
      ),
    );
  }
}

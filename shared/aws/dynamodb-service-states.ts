// ServiceStates on the deployments table (dynamodb-deployments-table.ts): one item per service,
//   pk SERVICE#<service>   sk STATE   stable?, ledgerHead?, lastRelease?,
//                                     lastReleaseBy? (the deployment that took it)

import type { StableRelease } from '../domain/deployment.js';
import type { ChainHead } from '../domain/ledger.js';
import { withoutUndefined } from '../domain/records.js';
import type { ServiceState, ServiceStates } from '../ports/deployments.js';
import { DeploymentsTableAdapter, servicePk, stateKey, type Item } from './dynamodb-deployments-table.js';
import { TransientError } from './errors.js';

export class DynamoServiceStates extends DeploymentsTableAdapter implements ServiceStates {
  async get(service: string): Promise<ServiceState> {
    return toServiceState(await this.getItem('GetItem service state', stateKey(service)));
  }

  async getMany(services: readonly string[]): Promise<Map<string, ServiceState>> {
    const items = await this.getItems('service states', services.map(stateKey));
    return new Map(services.map((service) => [service, toServiceState(items.get(servicePk(service)))]));
  }

  async allocateRelease(service: string, deploymentId: string, floor: number): Promise<number> {
    const output = await this.attempt('UpdateItem service state', (TableName) =>
      this.documents.updateItem({
        TableName,
        Key: stateKey(service),
        // One atomic increment, never a read and then a write: of two deployments asking at
        // once, each gets its own number.
        UpdateExpression: 'SET #last = if_not_exists(#last, :floor) + :one, #by = :deploymentId',
        // Closes the retry race: a retried step of the deployment that took the last number
        // must not take a second one (and leave a gap in what it recorded).
        ConditionExpression: 'attribute_not_exists(#by) OR #by <> :deploymentId',
        ExpressionAttributeNames: { '#last': 'lastRelease', '#by': 'lastReleaseBy' },
        ExpressionAttributeValues: { ':floor': floor, ':one': 1, ':deploymentId': deploymentId },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const given: unknown = output?.Attributes?.lastRelease;
    if (typeof given === 'number') return given;
    // The condition failed: this deployment holds the last number already.
    const item = await this.getItem('GetItem service state', stateKey(service));
    if (typeof item?.lastRelease !== 'number') {
      throw new TransientError(
        `The release counter of service "${service}" is missing after a failed condition; the step will retry`,
      );
    }
    return item.lastRelease;
  }

  async setStable(service: string, stable: StableRelease): Promise<void> {
    await this.attempt('UpdateItem service state', (TableName) =>
      this.documents.updateItem({
        TableName,
        Key: stateKey(service),
        // No condition: only the lock holder promotes or rolls back, so no writer competes.
        // SET rather than PutItem, so the ledger head kept in the same item is left alone.
        UpdateExpression: 'SET #stable = :stable',
        ExpressionAttributeNames: { '#stable': 'stable' },
        ExpressionAttributeValues: { ':stable': withoutUndefined(stable) },
      }),
    );
  }

  async advanceLedgerHead(service: string, head: ChainHead): Promise<void> {
    // A failed condition means a newer head is stored: ignored, as the port says.
    await this.attempt('UpdateItem service state', (TableName) =>
      this.documents.updateItem({
        TableName,
        Key: stateKey(service),
        UpdateExpression: 'SET #ledgerHead = :head',
        // Closes the stale-anchor race: two appends finishing out of order (or a retried step)
        // must never move the anchor back, or verify would call the newer records foreign.
        ConditionExpression: 'attribute_not_exists(#ledgerHead) OR #ledgerHead.#seq < :seq',
        ExpressionAttributeNames: { '#ledgerHead': 'ledgerHead', '#seq': 'seq' },
        ExpressionAttributeValues: { ':head': { seq: head.seq, hash: head.hash }, ':seq': head.seq },
      }),
    );
  }
}

function toServiceState(item: Item | null | undefined): ServiceState {
  return {
    stable: (item?.stable as StableRelease | undefined) ?? null,
    ledgerHead: (item?.ledgerHead as ChainHead | undefined) ?? null,
    ...(typeof item?.lastRelease === 'number' ? { lastRelease: item.lastRelease } : {}),
  };
}

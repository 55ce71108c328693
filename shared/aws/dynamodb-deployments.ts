// Deployments on the deployments table (dynamodb-deployments-table.ts): one item per deployment,
//   pk DEPLOYMENT#<id>   sk DEPLOYMENT   the Deployment, plus gsi1pk SERVICE#<service>,
//                                       gsi1sk <startedAt>#<id> (the byService index)

import type { Deployment } from '../domain/deployment.js';
import { withoutUndefined } from '../domain/records.js';
import type { DeploymentCondition, Deployments } from '../ports/deployments.js';
import {
  BY_SERVICE_INDEX,
  byServiceSk,
  deploymentKey,
  DeploymentsTableAdapter,
  servicePk,
  type Item,
} from './dynamodb-deployments-table.js';
import { DeploymentItemMissing } from './errors.js';

export class DynamoDeployments extends DeploymentsTableAdapter implements Deployments {
  async create(deployment: Deployment): Promise<boolean> {
    const created = await this.attempt('PutItem deployment', (TableName) =>
      this.documents.putItem({
        TableName,
        Item: {
          ...withoutUndefined(deployment),
          ...deploymentKey(deployment.deploymentId),
          gsi1pk: servicePk(deployment.service),
          gsi1sk: byServiceSk(deployment.startedAt, deployment.deploymentId),
        },
        // Closes the duplicate-start race: a retried create (or two starts with one id) must not
        // overwrite a deployment that has already moved on.
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
      }),
    );
    return created !== null;
  }

  async get(deploymentId: string): Promise<Deployment | null> {
    const item = await this.getItem('GetItem deployment', deploymentKey(deploymentId));
    return item === null ? null : toDeployment(item);
  }

  async getMany(deploymentIds: readonly string[]): Promise<Map<string, Deployment>> {
    const items = await this.getItems('deployments', deploymentIds.map(deploymentKey));
    return new Map([...items.values()].map((item) => [item.deploymentId as string, toDeployment(item)]));
  }

  async update(
    deploymentId: string,
    changes: Partial<Omit<Deployment, 'deploymentId'>>,
  ): Promise<Deployment> {
    const updated = await this.write(deploymentId, changes, {});
    if (updated === null) throw notFound(deploymentId);
    return updated;
  }

  updateIf(
    deploymentId: string,
    changes: Partial<Omit<Deployment, 'deploymentId'>>,
    when: DeploymentCondition,
  ): Promise<Deployment | null> {
    return this.write(deploymentId, changes, when);
  }

  private async write(
    deploymentId: string,
    changes: Partial<Omit<Deployment, 'deploymentId'>>,
    when: DeploymentCondition,
  ): Promise<Deployment | null> {
    const expression = updateExpression(deploymentId, changes);
    if (expression === null) return this.get(deploymentId);
    const condition = conditionExpression(when);
    const values = { ...expression.ExpressionAttributeValues, ...condition.values };
    const output = await this.attempt('UpdateItem deployment', (TableName) =>
      this.documents.updateItem({
        TableName,
        Key: deploymentKey(deploymentId),
        UpdateExpression: expression.UpdateExpression,
        // attribute_exists closes the update-of-a-missing-deployment race: UpdateItem would otherwise
        // create a partial deployment from the changes alone when the id is wrong or the item is gone.
        ConditionExpression: ['attribute_exists(#pk)', ...condition.clauses].join(' AND '),
        ExpressionAttributeNames: {
          ...expression.ExpressionAttributeNames,
          ...condition.names,
          '#pk': 'pk',
        },
        // DynamoDB rejects an empty ExpressionAttributeValues, as when every change is a removal.
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return output?.Attributes === undefined ? null : toDeployment(output.Attributes);
  }

  async listByService(service: string, limit: number): Promise<Deployment[]> {
    if (limit < 1) return [];
    const items = await this.queryAll(
      `Query ${BY_SERVICE_INDEX} index`,
      {
        IndexName: BY_SERVICE_INDEX,
        KeyConditionExpression: '#gsi1pk = :gsi1pk',
        ExpressionAttributeNames: { '#gsi1pk': 'gsi1pk' },
        ExpressionAttributeValues: { ':gsi1pk': servicePk(service) },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(toDeployment);
  }
}

type Expression = {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Item;
};

/** SET for each defined change, REMOVE for each `undefined` one; null when there is nothing to do. */
function updateExpression(
  deploymentId: string,
  changes: Partial<Omit<Deployment, 'deploymentId'>>,
): Expression | null {
  for (const indexed of ['service', 'startedAt'] as const) {
    if (indexed in changes && changes[indexed] === undefined) {
      throw new TypeError(
        `Cannot remove "${indexed}" from deployment ${deploymentId}: every deployment has one, and the ` +
          `${BY_SERVICE_INDEX} index is keyed by it`,
      );
    }
  }
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets: string[] = [];
  const removes: string[] = [];
  Object.entries(changes).forEach(([field, value], i) => {
    names[`#f${i}`] = field;
    if (value === undefined) {
      removes.push(`#f${i}`);
    } else {
      values[`:v${i}`] = withoutUndefined(value);
      sets.push(`#f${i} = :v${i}`);
    }
  });
  // The index keys follow the fields they are made of.
  if (changes.service !== undefined) {
    names['#gsi1pk'] = 'gsi1pk';
    values[':gsi1pk'] = servicePk(changes.service);
    sets.push('#gsi1pk = :gsi1pk');
  }
  if (changes.startedAt !== undefined) {
    names['#gsi1sk'] = 'gsi1sk';
    values[':gsi1sk'] = byServiceSk(changes.startedAt, deploymentId);
    sets.push('#gsi1sk = :gsi1sk');
  }
  if (sets.length === 0 && removes.length === 0) return null;
  const clauses = [
    sets.length > 0 ? `SET ${sets.join(', ')}` : '',
    removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
  ];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    // DynamoDB rejects an empty ExpressionAttributeValues, as when every change is a removal.
    ...(sets.length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

/** A conditional update's clauses: `#cN = :cN` for a value, `attribute_not_exists(#cN)` for null. */
function conditionExpression(when: DeploymentCondition): {
  clauses: string[];
  names: Record<string, string>;
  values: Item;
} {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Item = {};
  Object.entries(when).forEach(([field, value], i) => {
    names[`#c${i}`] = field;
    if (value === null) clauses.push(`attribute_not_exists(#c${i})`);
    else {
      values[`:c${i}`] = value;
      clauses.push(`#c${i} = :c${i}`);
    }
  });
  return { clauses, names, values };
}

function notFound(deploymentId: string): DeploymentItemMissing {
  return new DeploymentItemMissing(
    `Deployment ${deploymentId} does not exist; it must be created before it can be updated`,
  );
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];

/** The stored item without the table's key and index attributes. */
function toDeployment(item: Item): Deployment {
  const deployment: Item = { ...item };
  for (const key of KEY_ATTRIBUTES) delete deployment[key];
  return deployment as unknown as Deployment;
}

// Contract tests of the deployments table's batch reads (ServiceStates.getMany, DeploymentLocks.holders,
// Deployments.getMany) against dynalite and moto_server (skipped where it is not installed): they
// answer as the single gets do, for more keys than one BatchGetItem takes, in as few calls as
// DynamoDB allows (counted as sent).

import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeploymentsTable } from '../../local/aws/dynamodb-tables.js';
import { DynamoDeploymentLocks } from '../../shared/aws/dynamodb-deployment-locks.js';
import { DynamoDeployments } from '../../shared/aws/dynamodb-deployments.js';
import { DynamoServiceStates } from '../../shared/aws/dynamodb-service-states.js';
import type { Deployment } from '../../shared/domain/deployment.js';
import { DYNAMODB_EMULATORS, emulatorClientConfig, type Emulator } from '../../harness/emulators.js';
import { callCounts, recordedDocuments, type Sent } from '../support/dynamo-requests.js';
import { bakingDeployment } from '../support/deployment-fixture.js';

const EMULATORS = DYNAMODB_EMULATORS;

const TABLE = 'cutover-test-batch-reads';
const NOW = 1_741_942_800_000;
const image = (n: number) =>
  `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:${String(n).padStart(64, '0')}`;

function deployment(service: string, n: number): Deployment {
  return bakingDeployment({
    deploymentId: `dep-${randomUUID()}`,
    service,
    release: n,
    image: image(n),
    startedAt: NOW + n,
    updatedAt: NOW + n,
  });
}

for (const emulator of EMULATORS) {
  describe.skipIf(!emulator.available)(`batch reads of the deployments table on ${emulator.name}`, () => {
    let server: Emulator;
    let base: DynamoDBClient;
    let locks: DynamoDeploymentLocks;
    let deployments: DynamoDeployments;
    let states: DynamoServiceStates;
    let sent: Sent[];
    const calls = {
      get: (operation: string) => callCounts(sent).get(operation),
      clear: () => void sent.splice(0),
    };

    beforeAll(async () => {
      server = await emulator.start();
      base = new DynamoDBClient(emulatorClientConfig(server.endpoint));
      await createDeploymentsTable(base, TABLE);
      const recorded = recordedDocuments(server.endpoint);
      sent = recorded.sent;
      locks = new DynamoDeploymentLocks(recorded.documents, TABLE);
      deployments = new DynamoDeployments(recorded.documents, TABLE);
      states = new DynamoServiceStates(recorded.documents, TABLE);
    });

    beforeEach(() => calls.clear());

    afterAll(async () => {
      base?.destroy();
      await server?.stop();
    });

    /** 150 services (more than one call's 100 keys): every third has a state, every fifth a lock. */
    async function fleet() {
      const services = Array.from({ length: 150 }, (_, i) => `svc-${i}-${randomUUID()}`);
      const running: Deployment[] = [];
      for (const [i, service] of services.entries()) {
        if (i % 3 === 0) {
          await states.setStable(service, {
            release: i,
            image: image(i),
            taskSetId: `ecs-svc/${i}`,
            taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${i}`,
            targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/1',
          });
          await states.advanceLedgerHead(service, { seq: i, hash: 'ab'.repeat(32) });
        }
        if (i % 5 === 0) {
          const d = deployment(service, i);
          await deployments.create(d);
          await locks.acquire(service, d.deploymentId, NOW + 60_000, NOW);
          running.push(d);
        }
      }
      calls.clear();
      return { services, running };
    }

    it('getMany and holders answer as get and holder do, for 150 services in 2 calls each', async () => {
      const { services } = await fleet();
      const many = await states.getMany(services);
      expect(calls.get('BatchGetItem')).toBe(2);
      const holders = await locks.holders(services);
      expect(calls.get('BatchGetItem')).toBe(4);
      expect(calls.get('GetItem')).toBeUndefined();

      expect([...many.keys()]).toEqual(services);
      expect([...holders.keys()]).toEqual(services);
      for (const service of services) {
        expect(many.get(service)).toEqual(await states.get(service));
        expect(holders.get(service)).toEqual(await locks.holder(service));
      }
      expect([...many.values()].filter((s) => s.stable !== null)).toHaveLength(50);
      expect([...holders.values()].filter((h) => h !== null)).toHaveLength(30);
    });

    it('Deployments.getMany returns the ones that exist, as get does, and leaves the missing out', async () => {
      const { running } = await fleet();
      const ids = [...running.map((d) => d.deploymentId), 'dep-never-created'];
      const found = await deployments.getMany(ids);
      expect(calls.get('BatchGetItem')).toBe(1);
      expect([...found.keys()].sort()).toEqual(running.map((d) => d.deploymentId).sort());
      for (const d of running)
        expect(found.get(d.deploymentId)).toEqual(await deployments.get(d.deploymentId));
    });

    it('asks each key once however often it is named, and asks nothing for no names', async () => {
      const service = `svc-${randomUUID()}`;
      await locks.acquire(service, 'dep-a', NOW + 60_000, NOW);
      calls.clear();
      const holders = await locks.holders(Array.from({ length: 150 }, () => service));
      expect(calls.get('BatchGetItem')).toBe(1);
      expect(holders.get(service)).toEqual({ deploymentId: 'dep-a', leaseUntil: NOW + 60_000 });

      expect(await states.getMany([])).toEqual(new Map());
      expect(await locks.holders([])).toEqual(new Map());
      expect(await deployments.getMany([])).toEqual(new Map());
      expect(calls.get('BatchGetItem')).toBe(1);
    });

    it('reads strongly consistently: a lock taken just before is seen by the batch read', async () => {
      const services = Array.from({ length: 3 }, () => `svc-${randomUUID()}`);
      await locks.acquire(services[1]!, 'dep-b', NOW + 60_000, NOW);
      const holders = await locks.holders(services);
      expect(holders.get(services[1]!)).toEqual({ deploymentId: 'dep-b', leaseUntil: NOW + 60_000 });
      await locks.release(services[1]!, 'dep-b');
      expect((await locks.holders(services)).get(services[1]!)).toBeNull();
    });
  });
}

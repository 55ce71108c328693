// Contract tests of the service-state adapter (DynamoServiceStates) against real DynamoDB
// emulators: dynalite (the local cloud's DynamoDB) and moto_server (skipped, and reported as
// skipped, where it is not installed). Set-up and fixtures: test/support/deployments-table.ts.

import { beforeAll, describe, expect, it } from 'vitest';
import { DYNAMODB_EMULATORS } from '../../harness/emulators.js';
import { TABLE, deploymentsTableOn, newId, newService, stableRelease } from '../support/deployments-table.js';
import { DynamoServiceStates } from '../../shared/aws/dynamodb-service-states.js';

for (const emulator of DYNAMODB_EMULATORS) {
  describe.skipIf(!emulator.available)(`deployments table adapters on ${emulator.name}`, () => {
    const table = deploymentsTableOn(emulator);
    let states: DynamoServiceStates;

    beforeAll(() => {
      states = new DynamoServiceStates(table.documents, TABLE);
    });

    describe('ServiceStates', () => {
      it('has no stable release and no ledger head for a service never deployed', async () => {
        expect(await states.get(newService())).toEqual({ stable: null, ledgerHead: null });
      });

      it('keeps the stable release and the ledger head side by side', async () => {
        const service = newService();
        await states.setStable(service, stableRelease(7));
        await states.advanceLedgerHead(service, { seq: 1, hash: 'a'.repeat(64) });
        expect(await states.get(service)).toEqual({
          stable: stableRelease(7),
          ledgerHead: { seq: 1, hash: 'a'.repeat(64) },
        });
        await states.setStable(service, stableRelease(8));
        expect(await states.get(service)).toEqual({
          stable: stableRelease(8),
          ledgerHead: { seq: 1, hash: 'a'.repeat(64) },
        });
      });

      it('never moves the ledger head backwards', async () => {
        const service = newService();
        await states.advanceLedgerHead(service, { seq: 3, hash: '3'.repeat(64) });
        await states.advanceLedgerHead(service, { seq: 2, hash: '2'.repeat(64) });
        expect((await states.get(service)).ledgerHead).toEqual({ seq: 3, hash: '3'.repeat(64) });
        await states.advanceLedgerHead(service, { seq: 3, hash: 'f'.repeat(64) });
        expect((await states.get(service)).ledgerHead).toEqual({ seq: 3, hash: '3'.repeat(64) });
        await states.advanceLedgerHead(service, { seq: 4, hash: '4'.repeat(64) });
        expect(await states.get(service)).toEqual({
          stable: null,
          ledgerHead: { seq: 4, hash: '4'.repeat(64) },
        });
      });

      it('ends at the newest head when advances finish out of order', async () => {
        const service = newService();
        const seqs = [5, 9, 2, 10, 7, 1, 8];
        const advance = (seq: number) =>
          states.advanceLedgerHead(service, { seq, hash: `${seq % 10}`.repeat(64) });
        // moto_server applies a conditional UpdateItem as a separate read and write, so two at once
        // can both pass the condition (seen on a loaded machine); DynamoDB evaluates the condition
        // and the write atomically ("condition expressions ... are evaluated as part of the write":
        // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
        // On moto the same out-of-order heads are sent one after another.
        if (emulator.name === 'moto_server') for (const seq of seqs) await advance(seq);
        else await Promise.all(seqs.map(advance));
        expect((await states.get(service)).ledgerHead).toEqual({ seq: 10, hash: '0'.repeat(64) });
      });

      it('gives release numbers after the floor, one per deployment, the same one again on a retry', async () => {
        const service = newService();
        const [a, b] = [newId(), newId()];
        expect(await states.allocateRelease(service, a, 3)).toBe(4);
        expect(await states.allocateRelease(service, a, 3)).toBe(4);
        // The floor only starts the counter; it never moves it back.
        expect(await states.allocateRelease(service, b, 0)).toBe(5);
        expect((await states.get(service)).lastRelease).toBe(5);
      });

      it('gives deployments asking at once different numbers', async () => {
        const service = newService();
        const ids = Array.from({ length: 6 }, newId);
        // As above: moto applies a conditional UpdateItem as a separate read and write.
        const given =
          emulator.name === 'moto_server'
            ? await ids.reduce<Promise<number[]>>(
                async (done, id) => [...(await done), await states.allocateRelease(service, id, 0)],
                Promise.resolve([]),
              )
            : await Promise.all(ids.map((id) => states.allocateRelease(service, id, 0)));
        expect([...given].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
      });
    });
  });
}

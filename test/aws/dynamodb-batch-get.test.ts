// batchGetItems' handling of UnprocessedKeys, which no emulator returns on demand: documents that
// leave keys unprocessed as told stand in for a throttled table.

import { describe, expect, it } from 'vitest';
import { BATCH_ATTEMPTS, batchGetItems, type TableKey } from '../../shared/aws/dynamodb-batch-get.js';
import type { BatchGetOutput } from '../../shared/aws/dynamodb-documents.js';
import { TransientError } from '../../shared/aws/errors.js';

const TABLE = 'deployments';
type Request = { RequestItems: Record<string, { Keys: TableKey[]; ConsistentRead?: boolean }> };

/** Answers every key asked with an item, except the first `skip(call)` keys of each call, left unprocessed. */
function throttledClient(skip: (call: number) => number) {
  const requests: Request[] = [];
  const client = {
    batchGetItem(input: Request) {
      requests.push(structuredClone(input));
      const keys = input.RequestItems[TABLE]!.Keys;
      const left = keys.slice(0, skip(requests.length));
      const answered = keys.slice(left.length).map((key) => ({ ...key, value: `item of ${key.pk}` }));
      return Promise.resolve<BatchGetOutput>({
        Responses: { [TABLE]: answered },
        UnprocessedKeys: left.length > 0 ? { [TABLE]: { Keys: left } } : {},
      });
    },
  };
  return { client, requests };
}

const keys = (n: number): TableKey[] =>
  Array.from({ length: n }, (_, i) => ({ pk: `SERVICE#s${i}`, sk: 'LOCK' }));

describe('batchGetItems', () => {
  it('asks the unprocessed keys again, after growing pauses, until every key is answered', async () => {
    const { client, requests } = throttledClient((call) => [40, 10, 0][call - 1] ?? 0);
    const pauses: number[] = [];
    const pause = (ms: number) => (pauses.push(ms), Promise.resolve());
    const items = await batchGetItems(client, TABLE, 'locks', keys(100), { consistentRead: true, pause });
    expect(items.map((item) => item.pk).sort()).toEqual(
      keys(100)
        .map((k) => k.pk)
        .sort(),
    );
    expect(requests.map((r) => r.RequestItems[TABLE]!.Keys.length)).toEqual([100, 40, 10]);
    expect(requests.every((r) => r.RequestItems[TABLE]!.ConsistentRead === true)).toBe(true);
    expect(pauses).toHaveLength(2);
    expect(pauses[0]).toBeLessThanOrEqual(20);
    expect(pauses[1]).toBeLessThanOrEqual(40);
  });

  it(`gives up after ${BATCH_ATTEMPTS} calls with a TransientError when keys stay unprocessed`, async () => {
    const { client, requests } = throttledClient(() => 1);
    const pause = () => Promise.resolve();
    const read = batchGetItems(client, TABLE, 'locks', keys(3), { consistentRead: true, pause });
    await expect(read).rejects.toThrow(TransientError);
    await expect(read).rejects.toThrow(/left 1 of 3 key\(s\) unprocessed after 5 attempts/);
    expect(requests).toHaveLength(BATCH_ATTEMPTS);
  });

  it('splits 250 keys into calls of at most 100, sent together', async () => {
    const { client, requests } = throttledClient(() => 0);
    const items = await batchGetItems(client, TABLE, 'states', keys(250), { consistentRead: true });
    expect(items).toHaveLength(250);
    expect(requests.map((r) => r.RequestItems[TABLE]!.Keys.length)).toEqual([100, 100, 50]);
  });
});

// Many GetItems as few BatchGetItem calls: at most 100 keys a call (DynamoDB's limit), the calls
// sent together, and the keys DynamoDB leaves unprocessed (throttling, the 16 MB answer limit)
// asked again after a short, growing, jittered pause, a bounded number of times.

import type { DynamoDocuments } from './dynamodb-documents.js';
import { TransientError, translateTransient } from './errors.js';

type Item = Record<string, unknown>;
export type TableKey = { pk: string; sk: string };

/** BatchGetItem accepts at most 100 keys per call. */
export const KEYS_PER_CALL = 100;
/** Calls per batch of keys, the first included, before unprocessed keys are given up as transient. */
export const BATCH_ATTEMPTS = 5;
const FIRST_PAUSE_MS = 20;

export interface BatchGetOptions {
  /** Strongly consistent, as the single GetItems it replaces. */
  consistentRead: boolean;
  /** Waits between attempts; replaced in tests. */
  pause?: (ms: number) => Promise<void>;
}

/** The items stored under `keys` (each key once; a key with no item is left out), in no set order. */
export async function batchGetItems(
  documents: Pick<DynamoDocuments, 'batchGetItem'>,
  tableName: string,
  what: string,
  keys: readonly TableKey[],
  options: BatchGetOptions,
): Promise<Item[]> {
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const batches: TableKey[][] = [];
  for (let start = 0; start < unique.length; start += KEYS_PER_CALL) {
    batches.push(unique.slice(start, start + KEYS_PER_CALL));
  }
  const found = await Promise.all(
    batches.map((batch) => getBatch(documents, tableName, what, batch, options)),
  );
  return found.flat();
}

async function getBatch(
  documents: Pick<DynamoDocuments, 'batchGetItem'>,
  tableName: string,
  what: string,
  keys: TableKey[],
  { consistentRead, pause = sleep }: BatchGetOptions,
): Promise<Item[]> {
  const items: Item[] = [];
  let pending: Item[] = keys;
  for (let attempt = 1; ; attempt++) {
    let output;
    try {
      output = await documents.batchGetItem({
        RequestItems: { [tableName]: { Keys: pending, ConsistentRead: consistentRead } },
      });
    } catch (error) {
      return translateTransient(`BatchGetItem ${what} on table ${tableName}`, error);
    }
    items.push(...(output.Responses?.[tableName] ?? []));
    pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    if (pending.length === 0) return items;
    if (attempt === BATCH_ATTEMPTS) {
      throw new TransientError(
        `BatchGetItem ${what} on table ${tableName} left ${pending.length} of ${keys.length} key(s) ` +
          `unprocessed after ${BATCH_ATTEMPTS} attempts; try again shortly`,
      );
    }
    // Full jitter over a doubling ceiling: 20, 40, 80, 160 ms at most.
    await pause(Math.random() * FIRST_PAUSE_MS * 2 ** (attempt - 1));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

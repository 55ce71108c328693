// dynalite reads a table's definition from LevelDB before every item it reads or writes: a
// BatchGetItem of 100 keys reads it 101 times, as many LevelDB reads as the items themselves.
// Definitions change only through CreateTable, UpdateTable and DeleteTable, which write them
// through the same store, so the store's table records are kept in memory here: a read
// answers from memory once LevelDB has been read, and every write of a definition forgets it.
//
// Each read returns a fresh copy (UpdateTable and DeleteTable change the object they read
// before writing it back). A read that races a write is never kept: it is kept only when no
// write of that table was in flight when it was sent, nor began before it was answered.

type Callback = (error: Error | null | undefined, value?: unknown) => void;

/** The part of dynalite's table store (db/index.js, `createPrefixedDbWrapper`) this touches. */
export interface TableStore {
  get: (key: string, callback: Callback) => void;
  put: (key: string, value: unknown, callback: Callback) => void;
  del: (key: string, callback: Callback) => void;
  batch: (operations: { key: string }[], callback: Callback) => void;
}

/** Keeps `tables`' records in memory (as text, parsed again for each read). */
export function cacheTableDefinitions(tables: TableStore): void {
  for (const name of ['get', 'put', 'del', 'batch'] as const) {
    if (typeof tables[name] !== 'function') {
      throw new Error(`dynalite's table store has no ${name} method: its table definitions cannot be cached`);
    }
  }
  const kept = new Map<string, string>();
  /** Writes begun per table, and those not yet answered. */
  const writes = new Map<string, { begun: number; inFlight: number }>();
  const get = tables.get.bind(tables);
  const put = tables.put.bind(tables);
  const del = tables.del.bind(tables);
  const batch = tables.batch.bind(tables);

  function writing(keys: string[], callback: Callback): Callback {
    for (const key of keys) {
      kept.delete(key);
      const count = writes.get(key) ?? { begun: 0, inFlight: 0 };
      count.begun += 1;
      count.inFlight += 1;
      writes.set(key, count);
    }
    return (error, value) => {
      for (const key of keys) {
        kept.delete(key);
        const count = writes.get(key)!;
        count.inFlight -= 1;
      }
      callback(error, value);
    };
  }

  tables.get = (key, callback) => {
    const text = kept.get(key);
    if (text !== undefined) return void setImmediate(callback, null, JSON.parse(text));
    const count = writes.get(key);
    // LevelDB may answer a read sent while a write is in flight with the value before it.
    const quietBefore = (count?.inFlight ?? 0) === 0;
    const before = count?.begun ?? 0;
    get(key, (error, value) => {
      const now = writes.get(key);
      const quiet = quietBefore && (now?.begun ?? 0) === before;
      if (!error && quiet && value !== undefined) kept.set(key, JSON.stringify(value));
      callback(error, value);
    });
  };
  tables.put = (key, value, callback) => put(key, value, writing([key], callback));
  tables.del = (key, callback) => del(key, writing([key], callback));
  tables.batch = (operations, callback) =>
    batch(
      operations,
      writing(
        operations.map((op) => op.key),
        callback,
      ),
    );
}

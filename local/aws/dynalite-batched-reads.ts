// dynalite reads each item with its own LevelDB `get`: a BatchGetItem of 100 keys, or a Query
// over 100 items' index entries, is 100 calls into LevelDB's native code, each a separate job
// on libuv's thread pool. Here the reads asked for in one turn of the event loop are sent as one
// `getMany`, which LevelDB answers from one snapshot in one job: the same values the separate
// reads would have given, as none of them could have seen a write that had not finished when
// it was asked for.
//
// A read with no callback (the promise form) is left as it is, and so is a turn with one read.
// If `getMany` fails (the store closing, say), each read of that turn is asked again on its
// own, so it fails or succeeds exactly as it would have.

type Callback = (error: Error | null, value?: unknown) => void;

/** The part of dynalite's LevelDB (db/index.js, after `wrapWithCallbacks`) this touches. */
export interface ItemStore {
  get: (key: string, callback?: Callback) => unknown;
  getMany: (keys: string[]) => Promise<unknown[]>;
}

/** Sends the reads of `db` asked for in one turn of the event loop as one `getMany`. */
export function batchReads(db: ItemStore): void {
  if (typeof db.get !== 'function' || typeof db.getMany !== 'function') {
    throw new Error("dynalite's LevelDB has no get or getMany: its reads cannot be batched");
  }
  const get = db.get.bind(db);
  const getMany = db.getMany.bind(db);
  let pending: { key: string; callback: Callback }[] = [];

  function flush(): void {
    const reads = pending;
    pending = [];
    if (reads.length === 1) return void get(reads[0]!.key, reads[0]!.callback);
    let answer: Promise<unknown[]>;
    try {
      answer = getMany(reads.map((read) => read.key));
    } catch {
      answer = Promise.reject(new Error('getMany refused'));
    }
    answer.then(
      (values) => {
        for (const [i, read] of reads.entries()) setImmediate(read.callback, null, values[i]);
      },
      () => {
        for (const read of reads) get(read.key, read.callback);
      },
    );
  }

  db.get = (key, callback) => {
    if (typeof callback !== 'function') return get(key);
    pending.push({ key, callback });
    if (pending.length === 1) setImmediate(flush);
    return undefined;
  };
}

// dynalite as the local cloud runs it: its tables in a folder of the data folder, and every
// write synced to disk before dynalite answers it, so a write the local cloud acknowledged
// survives a crash of the process and a power cut of the machine.
//
// dynalite keeps its tables in LevelDB (classic-level), which by default hands a write to the
// operating system and returns: the write is in the OS's cache, not on disk, when the client
// gets its 200. LevelDB's `sync` write option makes it fsync its log before returning. dynalite
// has no option to pass it, nor a hook to supply the store: it builds the store itself, in
// `create` of its db module, when `dynalite()` is called. So, for the length of that one
// synchronous call, `create` is wrapped: the store it returns has its LevelDB's private write
// methods (the ones every public put, del and batch goes through) replaced by ones that add
// `sync: true`. Nothing in node_modules is edited and nothing stays patched after the call. If
// dynalite ever builds its store differently, start fails here, loudly, rather than running
// without durability.
//
// The same store keeps its table definitions in memory (dynalite-table-cache.ts): dynalite reads
// a table's definition from LevelDB for every item it reads, which doubled the LevelDB reads of
// every BatchGetItem; and the item reads asked for in one turn of the event loop go to LevelDB
// as one read (dynalite-batched-reads.ts).

import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { batchReads, type ItemStore } from './dynalite-batched-reads.js';
import { cacheTableDefinitions, type TableStore } from './dynalite-table-cache.js';

/** The part of dynalite's store (db/index.js, `create`) this module touches. */
interface DynaliteStore {
  db: unknown;
  tableDb: TableStore;
  recreate: () => void;
}

interface StoreModule {
  create: (options: object) => DynaliteStore;
}

type Method = (...args: unknown[]) => unknown;

const require = createRequire(import.meta.url);
/** The same module instance dynalite's index.js requires (`./db`): one file, one cache entry. */
const storeModule = require('dynalite/db') as StoreModule;

/** A dynalite server keeping its tables in `path`, answering each write once it is on disk. */
export function durableDynalite(path: string): Server {
  const create = storeModule.create;
  let store: DynaliteStore | undefined;
  storeModule.create = (options) => {
    store = create(options);
    syncEveryWrite(store);
    cacheTableDefinitions(store.tableDb);
    batchReads(store.db as ItemStore);
    return store;
  };
  let server: Server;
  try {
    // Tables are ACTIVE at once: the local cloud has nothing to wait for.
    server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  } finally {
    storeModule.create = create;
  }
  if (store === undefined) {
    throw new Error(
      'dynalite did not build its store through its db module: its writes cannot be made durable',
    );
  }
  return server;
}

/**
 * Makes every write of the store's LevelDB synchronous. dynalite's `recreate` (after a close
 * that timed out) builds a new LevelDB and copies its fields over the store, `recreate`
 * included, so the new one is made durable too, with a fresh cache of its table definitions.
 */
function syncEveryWrite(store: DynaliteStore): void {
  const db = store.db as Record<string, unknown>;
  // _put(key, value, options), _del(key, options), _batch(operations, options).
  wrap(db, '_put', (original, [key, value, options]) => original(key, value, synced(options)));
  wrap(db, '_del', (original, [key, options]) => original(key, synced(options)));
  wrap(db, '_batch', (original, [operations, options]) => original(operations, synced(options)));
  // db.batch() with no arguments: a chained batch, written by its own _write(options).
  wrap(db, '_chainedBatch', (original) => {
    const batch = original() as Record<string, unknown>;
    wrap(batch, '_write', (write, [options]) => write(synced(options)));
    return batch;
  });
  const recreate = store.recreate;
  store.recreate = () => {
    recreate.call(store);
    syncEveryWrite(store);
    cacheTableDefinitions(store.tableDb);
    batchReads(store.db as ItemStore);
  };
}

function wrap(
  target: Record<string, unknown>,
  name: string,
  replacement: (original: Method, args: unknown[]) => unknown,
): void {
  const original = target[name];
  if (typeof original !== 'function') {
    throw new Error(
      `dynalite's LevelDB store has no ${name} method: this version of dynalite cannot be made to sync its writes`,
    );
  }
  const bound = (original as Method).bind(target);
  target[name] = (...args: unknown[]) => replacement(bound, args);
}

function synced(options: unknown): object {
  return { ...(typeof options === 'object' && options !== null ? options : {}), sync: true };
}

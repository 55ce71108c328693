// The local CloudWatch's metric data on disk, written as it comes rather than whole with every
// save: at 100 services the store holds tens of MB, and copying and writing it all every few
// seconds stalled the endpoints for seconds. Each addition the store keeps is one JSON line in
// the data folder's `metrics/` folder, in a file per hour of the data's own time, so data past
// the store's retention goes by deleting whole files.
//
// state.json is the commit point: it lists each file with the bytes of it that go with it. A
// start reads each file up to that length and cuts off the rest (lines written after the last
// save, which a crash or a power cut may have left whole or half-written); a file it does not
// list (written after the last save, or past retention) is deleted. Files are deleted only once
// a state.json that no longer lists them is durable.

import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { syncFolder } from '../durable-file.js';
import { DataFolderInvalid } from '../errors.js';
import type { BucketTuple, MetricId, MetricStore } from './metric-store.js';

/** Each journal file's name and the bytes of it a state.json covers. */
export type JournalLengths = Record<string, number>;

type Line = [
  namespace: string,
  name: string,
  dimensions: Record<string, string>,
  unit: string | null,
  ...BucketTuple,
];

const HOUR_SECONDS = 3600;
const FILE = /^(\d+)\.jsonl$/;
/**
 * Lines waiting in memory are appended once they come to this many characters, not only at a
 * save: lines kept for seconds outlive the young generation, and the old one grows several
 * times what it holds before it is collected (at 100 services, MBs of lines between saves).
 */
const APPEND_AT_CHARS = 64 * 1024;

export class MetricJournal {
  private pending = new Map<string, string[]>();
  private pendingChars = 0;
  /** Each series' (and unit's) start of a line, made once: a series' id is the same object for its life. */
  private readonly prefixes = new WeakMap<MetricId, Map<string, string>>();
  private lengths: JournalLengths;
  /** Files appended to since their last sync began, and those a `write` is syncing now. */
  private readonly unsynced = new Set<string>();
  private readonly syncing = new Set<string>();

  private constructor(
    private readonly folder: string,
    private readonly store: MetricStore,
    lengths: JournalLengths,
  ) {
    this.lengths = { ...lengths };
    store.onAdd = (id, unit, second, bucket) => this.add(id, unit, second, bucket);
  }

  /**
   * Reads the data folder's journal (as far as `lengths` says) into the store, and writes down
   * whatever the store records from now on. Without `lengths` (a first start, or a folder saved
   * before the journal existed), what the store already holds is written down anew, and a save
   * lists it.
   */
  static open(dataDir: string, store: MetricStore, lengths: JournalLengths | undefined): MetricJournal {
    const folder = join(dataDir, 'metrics');
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    // Without lengths, no state.json lists any file there (one a start cut off before its first save).
    replay(folder, store, lengths ?? {});
    const journal = new MetricJournal(folder, store, lengths ?? {});
    if (lengths === undefined)
      store.replayInto((id, unit, second, bucket) => journal.add(id, unit, second, bucket));
    return journal;
  }

  /**
   * Appends what is still waiting (at most APPEND_AT_CHARS, on this thread, so that a `writeNow`
   * never comes between two appends), then syncs the files off it; returns the
   * lengths a state.json should list, once they are durable.
   */
  async write(nowMs: number): Promise<JournalLengths> {
    const lengths = this.append(nowMs);
    const files = [...this.unsynced];
    this.unsynced.clear();
    for (const file of files) this.syncing.add(file);
    try {
      for (const file of files) {
        const handle = await open(join(this.folder, file), 'a', 0o600);
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
      if (files.length > 0) syncFolder(this.folder);
    } catch (error) {
      for (const file of files) this.unsynced.add(file);
      throw error;
    } finally {
      for (const file of files) this.syncing.delete(file);
    }
    return lengths;
  }

  /**
   * The same on this thread (at start and at stop), even while a `write` is under way: it syncs
   * what that one is still syncing too, so the lengths it returns are durable when it returns.
   */
  writeNow(nowMs: number): JournalLengths {
    const lengths = this.append(nowMs);
    const files = new Set([...this.unsynced, ...this.syncing]);
    this.unsynced.clear();
    for (const file of files) {
      const handle = openSync(join(this.folder, file), 'a', 0o600);
      try {
        fsyncSync(handle);
      } finally {
        closeSync(handle);
      }
    }
    if (files.size > 0) syncFolder(this.folder);
    return lengths;
  }

  /** Deletes the files the last durable state.json does not list: call once it is written. */
  removeUnlisted(listed: JournalLengths): void {
    for (const file of readdirSync(this.folder))
      if (FILE.test(file) && !(file in listed) && !(file in this.lengths) && !this.pending.has(file))
        rmSync(join(this.folder, file), { force: true });
  }

  /** Appends the lines recorded since the last call, unsynced; the lengths that go with them. */
  private append(nowMs: number): JournalLengths {
    this.appendPending();
    return this.covered(nowMs);
  }

  /**
   * Appends the lines waiting, unsynced, on this thread: a save lists the bytes appended
   * before it, and a start cuts off what came after (only a state.json makes lines count).
   */
  private appendPending(): void {
    const pending = this.pending;
    this.pending = new Map();
    this.pendingChars = 0;
    for (const [file, lines] of pending) {
      const text = lines.join('');
      appendFileSync(join(this.folder, file), text, { mode: 0o600 });
      this.lengths[file] = (this.lengths[file] ?? 0) + Buffer.byteLength(text);
      this.unsynced.add(file);
    }
  }

  private add(id: MetricId, unit: string | undefined, second: number, bucketJson: string): void {
    const file = `${Math.floor(second / HOUR_SECONDS)}.jsonl`;
    // The series' part of each line is made once per series (and unit): a line per addition.
    const key = unit ?? '';
    let prefixes = this.prefixes.get(id);
    if (prefixes === undefined) this.prefixes.set(id, (prefixes = new Map<string, string>()));
    let prefix = prefixes.get(key);
    if (prefix === undefined) {
      const series = [id.namespace, id.name, { ...id.dimensions }, unit ?? null];
      prefixes.set(key, (prefix = JSON.stringify(series).slice(0, -1)));
    }
    let lines = this.pending.get(file);
    if (lines === undefined) this.pending.set(file, (lines = []));
    const line = `${prefix},${bucketJson.slice(1)}\n`;
    lines.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= APPEND_AT_CHARS) this.appendPending();
  }

  /** The files still within the store's retention (an hour's margin), and their lengths. */
  private covered(nowMs: number): JournalLengths {
    const oldestHour = Math.floor((nowMs - this.store.retentionMs) / 1000 / HOUR_SECONDS) - 1;
    for (const file of Object.keys(this.lengths))
      if (Number(FILE.exec(file)![1]) < oldestHour) delete this.lengths[file];
    return { ...this.lengths };
  }
}

function replay(folder: string, store: MetricStore, lengths: JournalLengths): void {
  const byHour = Object.entries(lengths).sort(([a], [b]) => parseInt(a, 10) - parseInt(b, 10));
  for (const [file, length] of byHour) {
    const path = join(folder, file);
    if (!FILE.test(file) || !existsSync(path)) {
      throw new DataFolderInvalid(
        `state.json lists metric data in ${path}, which is missing: restore it from the same backup ` +
          'as state.json, or move the data folder away to start afresh',
      );
    }
    const data = readFileSync(path);
    if (data.length < length) {
      throw new DataFolderInvalid(
        `${path} is shorter than state.json says (${data.length} of ${length} bytes): restore it from ` +
          'the same backup as state.json, or move the data folder away to start afresh',
      );
    }
    // Lines written after the last save go: the state they went with was never saved.
    if (data.length > length) truncateSync(path, length);
    for (const text of data.subarray(0, length).toString('utf8').split('\n')) {
      if (text === '') continue;
      const [namespace, name, dimensions, unit, ...bucket] = JSON.parse(text) as Line;
      store.addTuple({ namespace, name, dimensions }, unit ?? undefined, bucket);
    }
  }
  for (const file of readdirSync(folder))
    if (!(file in lengths)) rmSync(join(folder, file), { force: true, recursive: true });
}

// Saving the local cloud's state to its data folder: state.json whole (tens of MB at 100
// deployments) and the metric data as it comes (aws/metric-journal.ts), every few seconds while
// it runs, and at start and stop. The periodic saves make the snapshot and append the metric
// journal's new lines on the thread that serves the endpoints; state.json's text is made there
// too, a chunk at a time as it is written (json-pieces.ts), while writing and syncing happen off
// it. A save on this thread (at stop) never waits for one under way: it supersedes it.

import type { MetricJournal } from './aws/metric-journal.js';
import { membersText } from './json-pieces.js';
import { saveState, stateChunks, writeStateInBackground, type SavedState } from './persistence.js';

const MIN_SPACING_MS = 2_000;
const MAX_SPACING_MS = 30_000;

export class StateSaver {
  private lastSave = 0;
  /** How long the last save held this thread (real ms): saves of a big state come less often. */
  private heldMs = 0;
  /** The save under way off this thread, if any, and whether a newer one has been made since. */
  private saving: { superseded: boolean; done: Promise<void> } | undefined;
  /** Saves made, and the real ms each held this thread (the snapshot and its text; all of a saveNow). */
  readonly held = { saves: 0, ms: 0, longestMs: 0 };

  constructor(
    private readonly dataDir: string,
    private readonly journal: MetricJournal,
    private readonly snapshot: () => SavedState,
    private readonly report: (what: string, error: unknown) => void,
  ) {}

  /**
   * Saves now, on this thread, at once: a save under way off it is dropped rather than landing
   * over this newer one (a second Ctrl-C may end the process as soon as this returns).
   */
  saveNow(): void {
    if (this.saving !== undefined) this.saving.superseded = true;
    const started = (this.lastSave = Date.now());
    const state = this.snapshot();
    const metricJournal = this.journal.writeNow(state.simTime);
    saveState(this.dataDir, { ...state, metricJournal });
    this.journal.removeUnlisted(metricJournal);
    this.heldMs = Date.now() - started;
    this.count(this.heldMs);
  }

  /**
   * Every 2 s, or less often when a save holds this thread long (never more than ~5% of its
   * time), but at least every 30 s: the metric journal's lines wait in memory until a save
   * writes them. One at a time. Only the time this thread is held counts: a write that waits
   * off it on a busy machine does not space the saves out.
   */
  saveIfDue(): void {
    const spacing = Math.min(MAX_SPACING_MS, Math.max(MIN_SPACING_MS, 20 * this.heldMs));
    if (this.saving !== undefined || Date.now() - this.lastSave <= spacing) return;
    const started = (this.lastSave = Date.now());
    const state = this.snapshot();
    // What may change is turned into text now; the rest is made as it is written.
    const members = membersText(state);
    let held = Date.now() - started;
    const save = { superseded: false, done: Promise.resolve() };
    const wanted = () => !save.superseded;
    save.done = (async () => {
      const metricJournal = await this.journal.write(state.simTime);
      if (!wanted()) return;
      const text = timed(stateChunks(members, metricJournal), (ms) => (held += ms));
      if (await writeStateInBackground(this.dataDir, text, wanted))
        this.journal.removeUnlisted(metricJournal);
    })()
      .catch((error: unknown) => {
        if (wanted()) this.report('saving state.json failed', error);
      })
      .finally(() => {
        this.heldMs = held;
        this.count(held);
        if (this.saving === save) this.saving = undefined;
      });
    this.saving = save;
  }

  private count(ms: number): void {
    this.held.saves += 1;
    this.held.ms += ms;
    this.held.longestMs = Math.max(this.held.longestMs, ms);
  }

  /** Resolves once no save is under way off this thread. */
  async settled(): Promise<void> {
    await this.saving?.done;
  }
}

/** The same pieces, each one's making timed (real ms on this thread). */
function* timed(pieces: Iterable<string>, spent: (ms: number) => void): Generator<string> {
  const iterator = pieces[Symbol.iterator]();
  for (;;) {
    const started = performance.now();
    const next = iterator.next();
    spent(performance.now() - started);
    if (next.done === true) return;
    yield next.value;
  }
}

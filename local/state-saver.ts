// Saving the local cloud's state to its data folder: state.json whole (a few MB) and the metric
// data as it comes (aws/metric-journal.ts), every few seconds while it runs, and at start and
// stop. The periodic saves make only the snapshot and its text on the thread that serves the
// endpoints; writing and syncing happen off it.

import type { MetricJournal } from './aws/metric-journal.js';
import { saveState, writeStateInBackground, type SavedState } from './persistence.js';

const MIN_SPACING_MS = 2_000;
const MAX_SPACING_MS = 30_000;

export class StateSaver {
  private lastSave = 0;
  /** How long the last save held this thread (real ms): saves of a big state come less often. */
  private heldMs = 0;
  /** The save under way off this thread, if any. */
  private saving: Promise<void> | undefined;
  /** Saves begun, and the real ms they held this thread (the snapshot and its text; all of a saveNow). */
  readonly held = { saves: 0, ms: 0, longestMs: 0 };

  constructor(
    private readonly dataDir: string,
    private readonly journal: MetricJournal,
    private readonly snapshot: () => SavedState,
    private readonly report: (what: string, error: unknown) => void,
  ) {}

  /** Saves now, on this thread. Wait for `settled()` first if a save may be under way. */
  saveNow(): void {
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
    const text = JSON.stringify(state);
    this.heldMs = Date.now() - started;
    this.count(this.heldMs);
    this.saving = (async () => {
      const metricJournal = await this.journal.write(state.simTime);
      await writeStateInBackground(this.dataDir, text, metricJournal);
      this.journal.removeUnlisted(metricJournal);
    })()
      .catch((error: unknown) => this.report('saving state.json failed', error))
      .finally(() => {
        this.saving = undefined;
      });
  }

  private count(ms: number): void {
    this.held.saves += 1;
    this.held.ms += ms;
    this.held.longestMs = Math.max(this.held.longestMs, ms);
  }

  async settled(): Promise<void> {
    await this.saving;
  }
}

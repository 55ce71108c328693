// The bundle budget (bench/bundle-budget.json) and its check. Each function has a
// size budget in bytes and the AWS SDK clients its composition root builds, written by
// hand from the adapters it wires. A bundle fails the check when it is more than
// `allowedGrowth` (10%) over its budget, when it holds a client not on its list, or when
// it has no budget. A stale entry (a listed client no longer bundled, a budget for a
// function that is gone) is only a warning: it lets no regression through.

import { readFileSync } from 'node:fs';
import type { Bundle } from './bundle-build.js';

export interface Budget {
  about: string;
  /** How far past its budget a bundle may grow before the check fails: 0.1 is 10%. */
  allowedGrowth: number;
  functions: Record<string, { bytes: number; clients: string[] }>;
}

export interface BudgetVerdict {
  name: string;
  bytes: number;
  budget: number | undefined;
  /** The bundle's size as a share of its budget, in percent. */
  percent: number | undefined;
  sizeOk: boolean;
  /** No AWS client in the bundle that is not on the function's list. */
  clientsOk: boolean;
  /** Why the check fails. */
  problems: string[];
  /** What to tidy in the budget file; the check still passes. */
  warnings: string[];
}

export const budgetFile = new URL('./bundle-budget.json', import.meta.url);

export function readBudget(): Budget {
  return JSON.parse(readFileSync(budgetFile, 'utf8')) as Budget;
}

const packages = (clients: string[]) => clients.map((c) => `@aws-sdk/${c}`).join(', ');

function verdictOf(bundle: Bundle, budget: Budget): BudgetVerdict {
  const { name, bytes } = bundle;
  const entry = budget.functions[name];
  if (entry === undefined) {
    const problem =
      `${name} (${bytes} bytes) has no budget: add it to bench/bundle-budget.json with its size ` +
      `rounded up to the next 10 kB and the AWS clients its composition root builds`;
    const verdict = { name, bytes, budget: undefined, percent: undefined, sizeOk: false, clientsOk: false };
    return { ...verdict, problems: [problem], warnings: [] };
  }
  const problems: string[] = [];
  const warnings: string[] = [];
  const limit = Math.floor(entry.bytes * (1 + budget.allowedGrowth));
  const sizeOk = bytes <= limit;
  if (!sizeOk) {
    const over = ((bytes / entry.bytes - 1) * 100).toFixed(1);
    problems.push(
      `${name} is ${bytes} bytes, ${over}% over its budget of ${entry.bytes} bytes (at most ${limit} ` +
        `allowed): find what grew (esbuild --analyze), or raise its budget if the growth is meant`,
    );
  }
  const extra = bundle.clients.filter((c) => !entry.clients.includes(c));
  const missing = entry.clients.filter((c) => !bundle.clients.includes(c));
  if (extra.length > 0) {
    problems.push(
      `${name} bundles ${packages(extra)}, not on its list: if its composition root now builds ` +
        `that client, add it to the list; if not, something it imports pulls the client in`,
    );
  }
  if (missing.length > 0) {
    warnings.push(`${name} no longer bundles ${packages(missing)}: remove it from its list`);
  }
  const percent = Math.round((bytes / entry.bytes) * 1000) / 10;
  return {
    name,
    bytes,
    budget: entry.bytes,
    percent,
    sizeOk,
    clientsOk: extra.length === 0,
    problems,
    warnings,
  };
}

/** A verdict per bundle, and the budgets of functions that are no longer built. */
export function checkBudget(
  bundles: readonly Bundle[],
  budget: Budget,
): { verdicts: BudgetVerdict[]; gone: string[] } {
  const built = new Set(bundles.map((b) => b.name));
  return {
    verdicts: bundles.map((bundle) => verdictOf(bundle, budget)),
    gone: Object.keys(budget.functions).filter((name) => !built.has(name)),
  };
}

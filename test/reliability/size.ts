// How big the reliability suite runs: scaled down in `npm test` (and CI), full size with
// `npm run test:reliability` (RELIABILITY=full). docs/reliability.md has the full run's figures.

export const FULL = process.env.RELIABILITY === 'full';

export const SIZE = FULL
  ? { services: 20, rounds: 10, crashSteps: 'all' as const, fuzzRuns: 2_000 }
  : { services: 10, rounds: 3, crashSteps: 'all' as const, fuzzRuns: 2_000 };

/** Prints a figure line the docs can quote: `reliability <name>: {json}`. */
export function report(name: string, figures: Record<string, unknown>): void {
  console.log(`reliability ${name}${FULL ? ' (full)' : ''}: ${JSON.stringify(figures)}`);
}

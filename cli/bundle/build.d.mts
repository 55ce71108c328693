// Types of ./build.mjs, for the TypeScript that uses it (the benchmarks, the tests).

/** Builds the CLI bundle into `dir` (default: bundleDir()) and returns its entry's file URL. */
export function buildBundle(dir?: string): Promise<string>;

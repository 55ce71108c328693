// Types of ./manifest.mjs, for the TypeScript that uses it (the benchmarks, the tests).

export const MANIFEST_VERSION: number;
export const ROOT: string;
export const ENTRY_FILE: string;
export function bundleDir(): string;
export interface Manifest {
  version: number;
  build: string;
  /** Repository path → [mtimeMs, size], taken just before the build read the file. */
  inputs: Record<string, [number, number]>;
}
export function readManifest(dir?: string): Manifest | undefined;
export function stampOf(path: string): [number, number] | undefined;
export function freshEntry(dir?: string): string | undefined;
export function isEsbuildMissing(error: unknown): boolean;

// Commands do not import each other. A command module is one cli/command-list.ts loads; every
// other file in cli/commands/ is a piece of exactly one command. What two commands share (the
// rendering, following a deployment, parsing arguments) lives outside cli/commands/, and
// nothing outside it imports from it but the lazy command list. The imports are read from
// the sources. Run on the tree before cli/render/ and cli/follow.ts existed, it named six
// problems: deploy.ts, rollback.ts and releases-table.ts importing status.ts, preflight.ts
// importing local.ts, and plan-steps.ts and deployment-action.ts each serving two commands.
// The last two tests keep that proof: each puts one such import back and expects its line.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const COMMANDS_DIR = 'cli/commands';

/** Every TypeScript file under `dir` (relative to the repository), with its text. */
function sources(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = relative(ROOT, join(entry.parentPath, entry.name));
    files.set(path, readFileSync(join(ROOT, path), 'utf8'));
  }
  return files;
}

/** The repository files a source imports (static, dynamic, type-only or re-exported), relative ones only. */
function importsOf(path: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.[^'"]+)['"]/g)];
  return specifiers.map((m) => normalize(join(dirname(path), m[1]!)).replace(/\.js$/, '.ts'));
}

/** The command modules, as cli/command-list.ts loads them. */
function commandModules(files: ReadonlyMap<string, string>): string[] {
  return importsOf('cli/command-list.ts', files.get('cli/command-list.ts')!).filter((p) =>
    p.startsWith(`${COMMANDS_DIR}/`),
  );
}

/** Every way the sources break the rule, one line each; empty when they keep it. */
function problems(files: ReadonlyMap<string, string>): string[] {
  const commands = commandModules(files);
  const found: string[] = [];
  const owners = new Map<string, string[]>();
  for (const command of commands) {
    // The files in cli/commands/ this command reaches through its imports.
    const reached = new Set<string>();
    const queue = [command];
    while (queue.length > 0) {
      const file = queue.pop()!;
      for (const target of importsOf(file, files.get(file) ?? '')) {
        if (!target.startsWith(`${COMMANDS_DIR}/`)) continue;
        if (commands.includes(target) && target !== command)
          found.push(`${file} imports ${target}, the module of another command`);
        else if (!reached.has(target) && target !== command) {
          reached.add(target);
          queue.push(target);
        }
      }
    }
    for (const piece of reached) owners.set(piece, [...(owners.get(piece) ?? []), command]);
  }
  for (const [piece, users] of owners)
    if (users.length > 1)
      found.push(`${piece} is used by ${users.join(' and ')}: move what they share out of ${COMMANDS_DIR}/`);
  for (const [file, text] of files) {
    if (file.startsWith(`${COMMANDS_DIR}/`)) {
      if (!commands.includes(file) && !owners.has(file))
        found.push(`${file} is neither a command in cli/command-list.ts nor used by one`);
    } else if (file !== 'cli/command-list.ts') {
      for (const target of importsOf(file, text))
        if (target.startsWith(`${COMMANDS_DIR}/`)) found.push(`${file} imports ${target} from a command`);
    }
  }
  return found;
}

describe("the CLI's commands", () => {
  const files = sources('cli');

  it('are the modules the command list loads, one per command', () => {
    expect(commandModules(files)).toHaveLength(16);
    expect(commandModules(files)).toContain('cli/commands/status.ts');
    expect(commandModules(files)).toContain('cli/commands/analysis.ts');
  });

  it('do not import each other, each piece in cli/commands/ serves one command, and shared modules import no command', () => {
    expect(problems(files)).toEqual([]);
  });

  it('the check catches a command importing another: rollback.ts taking shortImage from ./status.js', () => {
    const drifted = new Map(files);
    const rollback = files.get('cli/commands/rollback.ts')!;
    drifted.set('cli/commands/rollback.ts', `import { shortImage } from './status.js';\n${rollback}`);
    expect(problems(drifted)).toEqual([
      'cli/commands/rollback.ts imports cli/commands/status.ts, the module of another command',
    ]);
  });

  it('the check catches a piece two commands share, and a shared module importing a command', () => {
    const drifted = new Map(files);
    const plan = files.get('cli/commands/plan.ts')!;
    drifted.set('cli/commands/plan.ts', `import './status/watch-service.js';\n${plan}`);
    const follow = files.get('cli/follow.ts')!;
    drifted.set('cli/follow.ts', `import type { Command } from './commands/status.js';\n${follow}`);
    expect(problems(drifted)).toEqual([
      'cli/commands/status/watch-service.ts is used by cli/commands/plan.ts and cli/commands/status.ts: move what they share out of cli/commands/',
      'cli/follow.ts imports cli/commands/status.ts from a command',
    ]);
  });
});

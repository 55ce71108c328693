// Every command of the CLI, in the order `cutover --help` lists them. A command's module is
// loaded when it runs (see CommandEntry): a test checks each loads under its own name.

import type { CommandEntry } from './command.js';

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'plan',
    summary: 'show the steps a deployment would take, changing nothing',
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  {
    name: 'deploy',
    summary: 'start a deployment of an image pinned by digest (--wait follows it)',
    load: async () => (await import('./commands/deploy.js')).deployCommand,
  },
  {
    name: 'status',
    summary: "show a deployment's progress, or a service's live release (--watch follows it)",
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  {
    name: 'analysis',
    summary: "show a deployment's canary analysis, each metric with what it rested on",
    load: async () => (await import('./commands/analysis.js')).analysisCommand,
  },
  {
    name: 'approve',
    summary: 'approve a deployment waiting for approval',
    load: async () => (await import('./commands/approve.js')).approveCommand,
  },
  {
    name: 'promote',
    summary: 'end the current bake now, or --full: go straight to 100% and promote',
    load: async () => (await import('./commands/promote.js')).promoteCommand,
  },
  {
    name: 'abort',
    summary: 'roll a deployment back now',
    load: async () => (await import('./commands/abort.js')).abortCommand,
  },
  {
    name: 'rollback',
    summary: 'abort the deployment in progress, or redeploy an earlier release (--to)',
    load: async () => (await import('./commands/rollback.js')).rollbackCommand,
  },
  {
    name: 'releases',
    summary: "list a service's releases from its ledger",
    load: async () => (await import('./commands/releases.js')).releasesCommand,
  },
  {
    name: 'verify',
    summary: "verify a service's ledger hash chain",
    load: async () => (await import('./commands/verify.js')).verifyCommand,
  },
  {
    name: 'ledger-key',
    summary: "print the ledger key's public key (PEM), read from KMS",
    load: async () => (await import('./commands/ledger-key.js')).ledgerKeyCommand,
  },
  {
    name: 'drift',
    summary: 'compare what runs with the live release in the ledger',
    load: async () => (await import('./commands/drift.js')).driftCommand,
  },
  {
    name: 'preflight',
    summary: 'check, reading only, that AWS (or the local cloud) has what the catalog needs',
    load: async () => (await import('./commands/preflight.js')).preflightCommand,
  },
  {
    name: 'judge',
    summary: 'judge a canary metric against its baseline, to tune analysis settings',
    load: async () => (await import('./commands/judge.js')).judgeCommand,
  },
  {
    name: 'catalog',
    summary: 'validate a catalog file: catalog check [FILE]',
    load: async () => (await import('./commands/catalog.js')).catalogCommand,
  },
  {
    name: 'local',
    summary:
      'run the local cloud (local start), push an image to it (local push), tell its time (local time)',
    load: async () => (await import('./commands/local.js')).localCommand,
  },
];

// What Fargate accepts, as RegisterTaskDefinition and CreateTaskSet check it: the awsvpc network
// mode, task-level CPU and memory in one of Fargate's combinations ("Task CPU and memory" in the
// ECS developer guide), and a task definition that is compatible with Fargate.

import { AwsError } from '../errors.js';

/** Memory (MiB) Fargate allows for each CPU size (CPU units): from, to, in steps of. */
const COMBINATIONS: Record<number, [number, number, number]> = {
  256: [512, 2048, 512],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
  8192: [16384, 61440, 4096],
  16384: [32768, 122880, 8192],
};

/** CPU units from "256" or "0.25 vCPU"; memory MiB from "512" or "0.5 GB". */
function units(value: unknown, unit: RegExp, scale: number): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text);
  const match = new RegExp(`^(\\d+(?:\\.\\d+)?)\\s*${unit.source}$`, 'i').exec(text);
  return match === null ? undefined : Number(match[1]) * scale;
}

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Refuses, in ECS's words, a definition that requires Fargate but could not run on it. */
export function checkFargateDefinition(definition: Record<string, unknown>): void {
  const requires = definition.requiresCompatibilities;
  if (!Array.isArray(requires) || !requires.includes('FARGATE')) return;
  const refuse = (message: string) => new AwsError('ClientException', message);
  if (definition.networkMode !== 'awsvpc') throw refuse("Fargate only supports network mode 'awsvpc'.");
  if (definition.cpu === undefined) throw refuse("Fargate requires that 'cpu' be defined at the task level.");
  if (definition.memory === undefined)
    throw refuse("Fargate requires that 'memory' be defined at the task level.");
  const cpu = units(definition.cpu, /vCPU/, 1024);
  const memory = units(definition.memory, /GB/, 1024);
  const allowed = cpu === undefined ? undefined : COMBINATIONS[cpu];
  const fits =
    allowed !== undefined &&
    memory !== undefined &&
    memory >= allowed[0] &&
    memory <= allowed[1] &&
    (memory - allowed[0]) % allowed[2] === 0;
  if (!fits) {
    throw refuse(
      `No Fargate configuration exists for given values: ${shown(definition.cpu)} CPU, ${shown(definition.memory)} memory. See the Amazon ECS documentation for the valid values.`,
    );
  }
}

/** A task set on Fargate needs a task definition that Fargate can run (see compatibilities). */
export function checkFargateTaskSet(compatibilities: string[]): void {
  if (!compatibilities.includes('FARGATE'))
    throw new AwsError('InvalidParameterException', 'Task definition does not support launch_type FARGATE.');
}

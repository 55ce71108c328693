// The simulated tasks by task set and by target group, so that a tick finds a task set's tasks,
// and the traffic a group's tasks, without a scan of every task for each. Each list keeps the
// order of the task list (oldest first), so it answers exactly what a scan would.
//
// The index follows the task list it was built from. The simulation tells it of the tasks it
// appends and of those it forgets; a list it was not told of (a restore, another simulation over
// the same tasks, a task appended by anyone else) is noticed by its identity and length, and the
// index is built anew from it. A task's task set and target group never change once it exists.

import type { LocalTask } from '../aws/ecs-model.js';

export class TaskIndex {
  private source: LocalTask[] | undefined;
  private length = 0;
  private readonly bySet = new Map<string, LocalTask[]>();
  private readonly byGroup = new Map<string, LocalTask[]>();

  constructor(private readonly tasks: () => LocalTask[]) {}

  /** The tasks a task set started (any status), oldest first. */
  ofTaskSet(taskSetId: string): readonly LocalTask[] {
    this.sync();
    return this.bySet.get(taskSetId) ?? [];
  }

  /** The tasks of a target group (any status), oldest first. */
  inTargetGroup(targetGroupArn: string): readonly LocalTask[] {
    this.sync();
    return this.byGroup.get(targetGroupArn) ?? [];
  }

  /** `tasks` were just appended to the task list. */
  appended(tasks: readonly LocalTask[]): void {
    const list = this.tasks();
    if (list !== this.source || list.length !== this.length + tasks.length) return;
    for (const task of tasks) this.add(task);
    this.length = list.length;
  }

  /** The task list was replaced by `list`: the old one without `removed`. */
  replaced(previous: LocalTask[], list: LocalTask[], removed: readonly LocalTask[]): void {
    if (previous !== this.source || previous.length !== this.length) return;
    for (const task of removed) {
      drop(this.bySet, task.startedBy, task);
      if (task._targetGroupArn !== undefined) drop(this.byGroup, task._targetGroupArn, task);
    }
    this.source = list;
    this.length = list.length;
  }

  private sync(): void {
    const list = this.tasks();
    if (list === this.source && list.length === this.length) return;
    this.bySet.clear();
    this.byGroup.clear();
    for (const task of list) this.add(task);
    this.source = list;
    this.length = list.length;
  }

  private add(task: LocalTask): void {
    push(this.bySet, task.startedBy, task);
    if (task._targetGroupArn !== undefined) push(this.byGroup, task._targetGroupArn, task);
  }
}

function push(map: Map<string, LocalTask[]>, key: string, task: LocalTask): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [task]);
  else list.push(task);
}

function drop(map: Map<string, LocalTask[]>, key: string, task: LocalTask): void {
  const list = map.get(key);
  const at = list?.indexOf(task) ?? -1;
  if (at >= 0) list!.splice(at, 1);
  if (list?.length === 0) map.delete(key);
}

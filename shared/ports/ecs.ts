// Ports for ECS, in deployment words: the revisions a release registers and the
// task sets that run them. Adapters: shared/aws/ecs-*.ts.

/** The ECS service a catalog entry manages (EXTERNAL deployment controller). */
export interface EcsService {
  cluster: string;
  service: string;
}

export interface TaskDefinitionSummary {
  arn: string;
  family: string;
  revision: number;
  /** Image of each container, by container name. */
  images: Record<string, string>;
  /** The first container port of each container, by name; what a load balancer forwards to. */
  ports: Record<string, number | undefined>;
  /** The revision's tags; Cutover's own are `cutover:service`, `cutover:release`, `cutover:deployment`. */
  tags: Record<string, string>;
}

export interface RegisterReleaseInput {
  /** The revision to copy (the primary task set's). */
  from: string;
  container: string;
  /** Digest-pinned image for `container`. */
  image: string;
  /** Tags for the new revision, e.g. `cutover:release`, `cutover:deployment`. */
  tags: Record<string, string>;
}

export interface TaskDefinitions {
  describe(arn: string): Promise<TaskDefinitionSummary>;
  /**
   * Registers a copy of `from` whose `container` runs `image`. If an active revision of
   * the family already runs exactly that image in that container, returns it instead.
   */
  registerRelease(input: RegisterReleaseInput): Promise<{ arn: string; reused: boolean }>;
  /** The newest ACTIVE revision of a family, or null if it has none. */
  newest(family: string): Promise<TaskDefinitionSummary | null>;
}

export type TaskSetStatus = 'PRIMARY' | 'ACTIVE' | 'DRAINING';

export interface TaskSet {
  id: string;
  arn: string;
  status: TaskSetStatus;
  taskDefinitionArn: string;
  /** The target group its tasks register with, if any. */
  targetGroupArn?: string | undefined;
  /** Cutover sets this to the deployment id, which makes creation idempotent. */
  externalId?: string | undefined;
  scalePercent: number;
}

export interface TaskSetHealth {
  desired: number;
  running: number;
  pending: number;
  /** Tasks of this task set that stopped unexpectedly (failed to start or health checks). */
  failed: number;
  /** Why those tasks stopped, in ECS's words (each distinct `stoppedReason` once), oldest first. */
  failureReasons: string[];
  /** ECS says the task set reached steady state: running equals desired and targets are healthy. */
  steady: boolean;
}

/** A task set's counts and stability, without why tasks stopped: what a wait for capacity reads. */
export type TaskSetCapacity = Pick<TaskSetHealth, 'desired' | 'running' | 'pending' | 'steady'>;

export interface CreateTaskSetInput {
  taskDefinitionArn: string;
  targetGroupArn: string;
  container: string;
  containerPort: number;
  scalePercent: number;
  externalId: string;
}

export interface TaskSets {
  list(service: EcsService): Promise<TaskSet[]>;
  /** Creates a task set, or returns the existing one with the same externalId. */
  create(service: EcsService, input: CreateTaskSetInput): Promise<TaskSet>;
  scale(service: EcsService, taskSetId: string, percent: number): Promise<void>;
  makePrimary(service: EcsService, taskSetId: string): Promise<void>;
  /** Deletes a task set; one that is already gone is not an error. */
  remove(service: EcsService, taskSetId: string): Promise<void>;
  health(service: EcsService, taskSetId: string): Promise<TaskSetHealth>;
  /** The task set's counts and stability alone (one DescribeTaskSets; no task is listed). */
  capacity(service: EcsService, taskSetId: string): Promise<TaskSetCapacity>;
  /**
   * The counts and stability of several task sets in one DescribeTaskSets (at most 10 ids),
   * by id; a task set that is gone is left out. What a status view reads.
   */
  capacities(service: EcsService, taskSetIds: readonly string[]): Promise<Map<string, TaskSetCapacity>>;
}

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // What serverless.yml sets on Lambda. Handler modules read it when imported,
    // even in tests that build them over fakes.
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      LEDGER_TABLE: 'cutover-test-ledger',
      DEPLOYMENTS_TABLE: 'cutover-test-deployments',
      LEDGER_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001',
      LEDGER_ANCHOR_BUCKET: 'cutover-test-anchors',
      CUTOVER_EVENT_BUS: 'cutover',
      BAKE_SCHEDULE_GROUP: 'cutover-test-bakes',
      BAKE_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/cutover-test-bake-scheduler',
      CUTOVER_CATALOG: 'examples/catalog.yml',
      BLUE_GREEN_STATE_MACHINE_ARN:
        'arn:aws:states:us-east-1:123456789012:stateMachine:cutover-test-blue-green',
      CANARY_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:cutover-test-canary',
      ROLLING_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:cutover-test-rolling',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});

// DynamoDB documents on an emulator, signed JSON requests as the adapters send them, with every
// request recorded as it is sent (its operation, X-Amz-Target's, and its JSON input), retries
// aside: for the tests that count calls or check what a role may send.

import { DynamoDocuments } from '../../shared/aws/dynamodb-documents.js';
import { DYNAMODB, JsonRequests } from '../../shared/aws/json-requests.js';
import { emulatorClientConfig } from '../../harness/emulators.js';

export interface Sent {
  operation: string;
  input: { TableName?: unknown };
}

export function recordedDocuments(endpoint: string): { documents: DynamoDocuments; sent: Sent[] } {
  const requests = new JsonRequests(DYNAMODB, emulatorClientConfig(endpoint));
  const sent: Sent[] = [];
  const documents = new DynamoDocuments({
    call<Output>(operation: string, input: object) {
      sent.push({ operation, input: structuredClone(input) });
      return requests.call<Output>(operation, input);
    },
  });
  return { documents, sent };
}

/** How many requests of each operation were sent. */
export function callCounts(sent: readonly Sent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { operation } of sent) counts.set(operation, (counts.get(operation) ?? 0) + 1);
  return counts;
}

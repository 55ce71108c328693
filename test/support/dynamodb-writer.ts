// A process that writes items to DynamoDB until it is killed, for the durability tests
// (test/local/dynamodb-durability.test.ts). It serves a data folder's tables the way the
// local cloud does (local/aws/durable-dynalite.ts), then puts items into the table `durability`
// from four writers at once, and prints `acked <id>` as each PutItem is answered: a line the
// parent reads names a write the store acknowledged. stdout is a pipe, which Node writes
// synchronously, so no acknowledged line is left behind in this process when it is killed.
//
//   node --import tsx test/support/dynamodb-writer.ts <dynamodb folder> <port>

import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { durableDynalite } from '../../local/aws/durable-dynalite.js';

export const DURABILITY_TABLE = 'durability';
/** What each item carries besides its key: enough that the log grows by whole blocks. */
export const PAYLOAD = 'x'.repeat(300);
const WRITERS = 4;

async function main(path: string, port: number): Promise<void> {
  const server = durableDynalite(path);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  process.stdout.write(`pid ${process.pid}\n`);
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let next = 0;
  const writer = async () => {
    for (;;) {
      const id = `item-${String(next++).padStart(6, '0')}`;
      await client.send(
        new PutItemCommand({
          TableName: DURABILITY_TABLE,
          Item: { id: { S: id }, payload: { S: PAYLOAD } },
        }),
      );
      process.stdout.write(`acked ${id}\n`);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [path, port] = process.argv.slice(2);
  if (path === undefined || port === undefined) {
    console.error('usage: dynamodb-writer.ts <dynamodb folder> <port>');
    process.exit(2);
  }
  main(path, Number(port)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

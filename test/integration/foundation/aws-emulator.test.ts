import { ConditionalCheckFailedException, CreateTableCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { freshName } from '../support/kafka.ts';

describe('the AWS emulator', () => {
  // No endpoint in code: the client must find the emulator through AWS_ENDPOINT_URL.
  const dynamo = new DynamoDBClient({});
  const table = freshName('foundation');

  beforeAll(async () => {
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
  });
  afterAll(async () => {
    await dynamo.send(new DeleteTableCommand({ TableName: table }));
    dynamo.destroy();
  });

  it('accepts a conditional put once and rejects the second with ConditionalCheckFailedException', async () => {
    const put = (): PutItemCommand =>
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'order-1' } }, ConditionExpression: 'attribute_not_exists(pk)' });
    await expect(dynamo.send(put())).resolves.toBeDefined();
    await expect(dynamo.send(put())).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('is reached through the per-service variable, which wins over AWS_ENDPOINT_URL', async () => {
    const endpoint = process.env.AWS_ENDPOINT_URL!;
    const original = { general: process.env.AWS_ENDPOINT_URL, service: process.env.AWS_ENDPOINT_URL_DYNAMODB };
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    const scoped = new DynamoDBClient({});
    try {
      await expect(
        scoped.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'order-2' } }, ConditionExpression: 'attribute_not_exists(pk)' })),
      ).resolves.toBeDefined();
    } finally {
      scoped.destroy();
      process.env.AWS_ENDPOINT_URL = original.general;
      if (original.service === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      else process.env.AWS_ENDPOINT_URL_DYNAMODB = original.service;
    }
  });
});

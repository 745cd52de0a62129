import fc from 'fast-check';
import {
  CONTEXT_KEYS,
  DeclarationError,
  PLACEHOLDER_CLUSTER_ARN,
  clusterFromContext,
  parseDeclaration,
  seedScenario,
} from '../../infra/config/index.ts';
import type { DeclarationInput } from '../../infra/config/index.ts';
import { CLUSTER_ARN, SECRET_ARN, VPC } from './support.ts';

const NOW = 1_750_000_000;

/** The seed scenario on an MSK/IAM cluster in a VPC, deep-copied so each test may mutate it. */
function seed(): DeclarationInput {
  return structuredClone(seedScenario({ type: 'msk', clusterArn: CLUSTER_ARN, auth: 'iam', vpc: VPC }));
}

// `consumers[i]` as a mutable record, for tests that write invalid values on purpose.
function consumer(d: DeclarationInput, i: number): Record<string, unknown> {
  return d.consumers[i] as unknown as Record<string, unknown>;
}

function issuesOf(input: unknown): readonly string[] {
  try {
    parseDeclaration(input, NOW);
  } catch (error) {
    if (error instanceof DeclarationError) return error.issues;
    throw error;
  }
  throw new Error('expected the declaration to be rejected');
}

describe('parseDeclaration', () => {
  it('accepts the seed scenario and applies defaults', () => {
    // GIVEN the seed scenario
    // WHEN it is parsed
    const { declaration, warnings } = parseDeclaration(seed(), NOW);
    // THEN the four groups are there with their defaults filled in
    expect(declaration.consumers.map((c) => c.groupId)).toEqual([
      'order-processing-group',
      'email-service-group',
      'analytics-service-group',
      'audit-service-group',
    ]);
    expect(declaration.consumers[1]).toMatchObject({ pollers: { mode: 'on-demand' }, reportBatchItemFailures: false, memorySizeMb: 512, timeoutSeconds: 60 });
    expect(declaration.consumers[3]?.alarms?.evaluationPeriods).toBe(3);
    expect(declaration.monitoring.perPartitionMetrics).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('names the field of an out-of-range batch size', () => {
    // GIVEN a batch size above Lambda's maximum
    const d = seed();
    consumer(d, 0).batchSize = 10_001;
    // WHEN / THEN the error names consumers[0].batchSize and the range
    expect(() => parseDeclaration(d, NOW)).toThrow(/consumers\[0\]\.batchSize: must be 1\.\.10000/);
  });

  it('names the field of a bad offset-files location', () => {
    expect(() => parseDeclaration({ ...seed(), offsetReset: { offsetFiles: { bucketName: 'Ops_Files' } } }, NOW)).toThrow(/offsetReset\.offsetFiles\.bucketName: must be an S3 bucket name/);
    expect(() => parseDeclaration({ ...seed(), offsetReset: { offsetFiles: { bucketName: 'ops-files', keyPrefix: 'a/*' } } }, NOW)).toThrow(/offsetReset\.offsetFiles\.keyPrefix: must not contain "\*"/);
  });

  it('rejects every batch size outside 1..10000 and accepts every one inside', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (batchSize) => {
        const d = seed();
        consumer(d, 2).batchSize = batchSize;
        const valid = batchSize >= 1 && batchSize <= 10_000;
        if (valid) expect(parseDeclaration(d, NOW).declaration.consumers[2]?.batchSize).toBe(batchSize);
        else expect(issuesOf(d)).toContain('consumers[2].batchSize: must be 1..10000');
      }),
      { numRuns: 60 },
    );
  });

  it('rejects unknown fields by path, so a typo is not a silent default', () => {
    const d = seed();
    consumer(d, 1).batchsize = 10;
    (d as unknown as Record<string, unknown>).monitor = {};
    const issues = issuesOf(d);
    expect(issues).toContain('consumers[1].batchsize: unknown field');
    expect(issues).toContain('monitor: unknown field');
  });

  it('reports every problem at once, each with its path', () => {
    const d = seed();
    consumer(d, 0).batchingWindowSeconds = 301;
    consumer(d, 1).pollers = { mode: 'turbo' };
    consumer(d, 3).maxRecordAgeSeconds = 30;
    delete (d.topics[0] as Record<string, unknown>).partitions;
    expect(issuesOf(d)).toEqual([
      'topics[0].partitions: required',
      'consumers[0].batchingWindowSeconds: must be 0..300',
      'consumers[1].pollers.mode: must have mode "on-demand" or "provisioned"',
      'consumers[3].maxRecordAgeSeconds: must be -1 (infinite) or 60..604800',
    ]);
  });

  it.each([
    ['retryAttempts', 3],
    ['maxRecordAgeSeconds', 600],
    ['bisectBatchOnError', true],
    ['reportBatchItemFailures', true],
    ['autoscaling', { scaleUpLag: 100, scaleDownLag: 10, minPollers: 1, maxPollers: 3 }],
  ])('requires provisioned pollers for %s', (field, value) => {
    // GIVEN the on-demand email group with a provisioned-only control
    const d = seed();
    consumer(d, 1)[field] = value;
    // THEN the field is named with the reason
    expect(issuesOf(d)).toEqual([expect.stringMatching(new RegExp(`^consumers\\[1\\]\\.${field}: requires pollers\\.mode "provisioned"`))]);
  });

  it('allows SQS and S3 destinations in on-demand mode but not a Kafka topic', () => {
    const d = seed();
    consumer(d, 3).onFailure = { type: 's3' };
    expect(parseDeclaration(d, NOW).declaration.consumers[3]?.onFailure).toEqual({ type: 's3', expireAfterDays: 90 });
    consumer(d, 3).onFailure = { type: 'kafka', topic: 'kafka://audit-dlq' };
    expect(issuesOf(d)).toEqual([expect.stringMatching(/^consumers\[3\]\.onFailure: a Kafka-topic destination requires pollers\.mode "provisioned"/)]);
  });

  it('rejects a Kafka destination that is a source topic', () => {
    const d = seed();
    consumer(d, 0).onFailure = { type: 'kafka', topic: 'kafka://order-events' };
    expect(() => parseDeclaration(d, NOW)).toThrow(/consumers\[0\]\.onFailure\.topic: must not be a source topic/);
  });

  it('checks the starting timestamp against the starting position and the clock', () => {
    const d = seed();
    consumer(d, 3).startingPosition = 'AT_TIMESTAMP';
    expect(issuesOf(d)).toEqual(['consumers[3].startingTimestamp: required when startingPosition is AT_TIMESTAMP']);
    consumer(d, 3).startingTimestamp = NOW + 60;
    expect(issuesOf(d)).toEqual(['consumers[3].startingTimestamp: must not be in the future']);
    consumer(d, 3).startingTimestamp = NOW - 60;
    expect(parseDeclaration(d, NOW).declaration.consumers[3]?.startingTimestamp).toBe(NOW - 60);
    consumer(d, 3).startingPosition = 'LATEST';
    expect(issuesOf(d)).toEqual(['consumers[3].startingTimestamp: only allowed when startingPosition is AT_TIMESTAMP']);
  });

  it('checks autoscaling bounds against each other and the provisioned maximum', () => {
    const d = seed();
    consumer(d, 0).autoscaling = { scaleUpLag: 100, scaleDownLag: 100, minPollers: 4, maxPollers: 3 };
    expect(issuesOf(d)).toEqual([
      'consumers[0].autoscaling.minPollers: must be <= autoscaling.maxPollers (3)',
      'consumers[0].autoscaling.scaleDownLag: must be < autoscaling.scaleUpLag (100)',
    ]);
    consumer(d, 0).autoscaling = { scaleUpLag: 100, scaleDownLag: 10, minPollers: 1, maxPollers: 7 };
    expect(issuesOf(d)).toEqual(['consumers[0].autoscaling.maxPollers: must be <= pollers.maximum (6)']);
  });

  it('warns when pollers exceed the partition count', () => {
    // GIVEN order-events has 6 partitions and the group may scale to 8 pollers
    const d = seed();
    consumer(d, 0).pollers = { mode: 'provisioned', minimum: 1, maximum: 8 };
    consumer(d, 0).autoscaling = { scaleUpLag: 1000, scaleDownLag: 100, minPollers: 1, maxPollers: 8 };
    // THEN it is accepted with warnings naming both fields
    const { warnings } = parseDeclaration(d, NOW);
    expect(warnings).toEqual([
      expect.stringMatching(/^consumers\[0\]\.pollers\.maximum: 8 exceeds the partition count \(6\)/),
      expect.stringMatching(/^consumers\[0\]\.autoscaling\.maxPollers: 8 exceeds the partition count \(6\)/),
    ]);
  });

  it('warns that infinite retries with a destination are capped at 10', () => {
    const d = seed();
    delete consumer(d, 2).retryAttempts;
    expect(parseDeclaration(d, NOW).warnings).toEqual([expect.stringMatching(/^consumers\[2\]\.retryAttempts: infinite \(-1\) with an on-failure destination: Lambda caps retries at 10/)]);
  });

  it('rejects duplicate group ids, duplicate names and undeclared topics', () => {
    const d = seed();
    consumer(d, 3).groupId = 'email-service-group';
    consumer(d, 3).name = 'email-service';
    consumer(d, 3).topics = ['user-events', 'payments'];
    expect(issuesOf(d)).toEqual([
      'consumers[3].name: duplicate consumer name "email-service"',
      'consumers[3].groupId: duplicate group id "email-service-group" (each consumer group gets its own function)',
      'consumers[3].topics[1]: topic "payments" is not declared in topics',
    ]);
  });

  it('rejects reserved environment variable names', () => {
    const d = seed();
    consumer(d, 1).environment = { SCG_GROUP_ID: 'other', FROM_ADDRESS: 'noreply@example.com' };
    expect(issuesOf(d)).toEqual([expect.stringMatching(/^consumers\[1\]\.environment\.SCG_GROUP_ID: is reserved/)]);
  });

  describe('deadLetter (the library\'s per-record sink)', () => {
    it('accepts SQS and S3 with their defaults', () => {
      const d = seed();
      consumer(d, 1).deadLetter = { type: 'sqs' };
      consumer(d, 2).deadLetter = { type: 's3', expireAfterDays: 30 };
      const { declaration } = parseDeclaration(d, NOW);
      expect(declaration.consumers[1]?.deadLetter).toEqual({ type: 'sqs', retentionDays: 14 });
      expect(declaration.consumers[2]?.deadLetter).toEqual({ type: 's3', expireAfterDays: 30 });
    });

    it('names the field of an unknown type, a bad range or a malformed topic', () => {
      const d = seed();
      consumer(d, 0).deadLetter = { type: 'sns' };
      consumer(d, 1).deadLetter = { type: 'sqs', retentionDays: 15 };
      consumer(d, 2).deadLetter = { type: 'kafka', topic: 'order-events-poison' };
      consumer(d, 3).deadLetter = { type: 's3', prefix: 'x/' };
      expect(issuesOf(d)).toEqual([
        'consumers[0].deadLetter.type: must have type "kafka", "sqs" or "s3"',
        'consumers[1].deadLetter.retentionDays: must be 1..14',
        'consumers[2].deadLetter.topic: must be kafka://<topic>',
        'consumers[3].deadLetter.prefix: unknown field',
      ]);
    });

    it('refuses a Kafka topic on MSK, which the unauthenticated sink cannot write to', () => {
      const d = seed();
      consumer(d, 0).deadLetter = { type: 'kafka', topic: 'kafka://order-events-poison' };
      expect(issuesOf(d)).toEqual([expect.stringMatching(/^consumers\[0\]\.deadLetter: a Kafka dead-letter topic needs brokers that accept unauthenticated plaintext clients .* not MSK with auth "iam": use type "sqs" or "s3"$/)]);
    });

    it('allows a Kafka topic on unauthenticated self-managed brokers, with a warning, but not a source topic', () => {
      const d = seed();
      d.cluster = { type: 'self-managed', bootstrapServers: ['kafka:9092'], auth: 'none', vpc: VPC };
      consumer(d, 3).deadLetter = { type: 'kafka', topic: 'kafka://audit-poison' };
      expect(parseDeclaration(d, NOW).warnings).toEqual([expect.stringMatching(/^consumers\[3\]\.deadLetter: the Kafka dead-letter sink connects from the consumer function, which runs outside any VPC/)]);
      consumer(d, 3).deadLetter = { type: 'kafka', topic: 'kafka://user-events' };
      expect(issuesOf(d)).toEqual(['consumers[3].deadLetter.topic: must not be a source topic of this consumer ("user-events")']);
    });
  });

  describe('cluster rules', () => {
    it('requires a secret for MSK SCRAM and forbids one for MSK IAM', () => {
      const d = seed();
      d.cluster = { type: 'msk', clusterArn: CLUSTER_ARN, auth: 'scram', vpc: VPC };
      expect(issuesOf(d)).toEqual(['cluster.secretArn: required when cluster.auth is "scram"']);
      d.cluster = { type: 'msk', clusterArn: CLUSTER_ARN, auth: 'iam', secretArn: SECRET_ARN, vpc: VPC };
      expect(issuesOf(d)).toEqual(['cluster.secretArn: must not be set when cluster.auth is "iam"']);
    });

    it('requires a VPC for unauthenticated self-managed brokers', () => {
      const d = seed();
      d.cluster = { type: 'self-managed', bootstrapServers: ['kafka:9092'], auth: 'none' };
      expect(issuesOf(d)).toEqual([expect.stringMatching(/^cluster\.vpc: required when cluster\.auth is "none"/)]);
    });

    it('rejects SASL/PLAIN, which the lag monitor and offset reset cannot use', () => {
      const d = seed();
      d.cluster = { type: 'self-managed', bootstrapServers: ['kafka:9096'], auth: 'basic', secretArn: SECRET_ARN };
      expect(issuesOf(d)).toEqual([expect.stringMatching(/^cluster\.auth: "basic" \(SASL\/PLAIN\)/)]);
    });

    it('validates ARNs and ids by format', () => {
      const d = seed();
      d.cluster = { type: 'msk', clusterArn: 'arn:aws:kafka:eu-west-1:1:cluster/x', auth: 'iam', vpc: { ...VPC, subnetIds: ['subnet-1'] } };
      expect(issuesOf(d)).toEqual([
        expect.stringMatching(/^cluster\.clusterArn: must be an MSK cluster ARN/),
        expect.stringMatching(/^cluster\.vpc\.subnetIds\[0\]: must be a subnet id/),
      ]);
    });

    it('warns when the operations functions have no VPC to reach MSK in', () => {
      const d = seed();
      d.cluster = { type: 'msk', clusterArn: CLUSTER_ARN, auth: 'iam' };
      expect(parseDeclaration(d, NOW).warnings).toEqual([expect.stringMatching(/^cluster\.vpc: not set/)]);
    });
  });
});

describe('clusterFromContext', () => {
  it('defaults to the placeholder MSK cluster with IAM auth', () => {
    expect(clusterFromContext(() => undefined)).toEqual({ type: 'msk', clusterArn: PLACEHOLDER_CLUSTER_ARN, auth: 'iam' });
  });

  it('reads a self-managed cluster and its VPC from -c values', () => {
    const context: Record<string, string> = {
      [CONTEXT_KEYS.bootstrapServers]: 'b1:9096, b2:9096',
      [CONTEXT_KEYS.kafkaAuth]: 'scram-sha-256',
      [CONTEXT_KEYS.secretArn]: SECRET_ARN,
      [CONTEXT_KEYS.vpcId]: VPC.vpcId,
      [CONTEXT_KEYS.subnetIds]: VPC.subnetIds.join(','),
      [CONTEXT_KEYS.securityGroupIds]: VPC.securityGroupIds.join(','),
    };
    expect(clusterFromContext((k) => context[k])).toEqual({
      type: 'self-managed',
      bootstrapServers: ['b1:9096', 'b2:9096'],
      auth: 'scram-sha-256',
      secretArn: SECRET_ARN,
      vpc: VPC,
    });
  });
});

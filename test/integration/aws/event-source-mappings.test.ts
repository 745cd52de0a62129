import { randomUUID } from 'node:crypto';
import { AwsServiceError, LambdaEventSourceMappings } from '../../../shared/aws/index.ts';
import { LocalRuntime } from '../../../local/esm/index.ts';
import { eventually, recordingFunction, sinkFile } from '../esm/support.ts';
import { bootstrapServers, kafkaTestResources } from '../support/kafka.ts';

// The hand-signed client against the local runtime's Lambda API (local/esm/control-plane.ts,
// the API the SDK's LambdaClient is tested against in test/integration/esm): the same routes,
// query names, bodies and error answers, reached only through AWS_ENDPOINT_URL_LAMBDA.
describe('the event-source-mappings client against the local Lambda API', () => {
  const kafka = kafkaTestResources();
  const sink = sinkFile();
  const ordersUuid = randomUUID();
  const auditUuid = randomUUID();
  const clusterArn = 'arn:aws:kafka:us-east-1:000000000000:cluster/local/11111111-2222-3333-4444-555555555555-1';
  let runtime: LocalRuntime;
  let lambda: LambdaEventSourceMappings;
  let ordersGroup: string;
  let auditGroup: string;

  beforeAll(async () => {
    const topic = await kafka.topic({ partitions: 3 });
    ordersGroup = kafka.group('esm-client-orders');
    auditGroup = kafka.group('esm-client-audit');
    runtime = await LocalRuntime.start({
      bootstrapServers: bootstrapServers().join(','),
      functions: [recordingFunction('orders', { SINK_FILE: sink.path }), recordingFunction('audit', { SINK_FILE: sink.path })],
      mappings: [
        {
          uuid: ordersUuid,
          functionName: 'orders',
          topics: [topic],
          consumerGroupId: ordersGroup,
          source: { kind: 'msk', clusterArn },
          batchSize: 100,
          maximumBatchingWindowInSeconds: 0,
          provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 3 },
        },
        { uuid: auditUuid, functionName: 'audit', topics: [topic], consumerGroupId: auditGroup, source: { kind: 'self-managed' }, batchSize: 100, maximumBatchingWindowInSeconds: 0 },
      ],
    });
    // As in a function: the endpoint comes from the environment only.
    lambda = new LambdaEventSourceMappings({ env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_LAMBDA: runtime.endpoint } });
  });
  afterAll(async () => {
    await runtime.stop();
    sink.cleanup();
  });

  const waitForState = (state: string): Promise<void> => eventually(`mapping ${state}`, async () => (await lambda.get(ordersUuid)).State === state);

  it('resolves the endpoint from AWS_ENDPOINT_URL_LAMBDA', () => {
    expect(lambda.endpoint).toBe(`${runtime.endpoint}/`);
  });

  it('lists the mappings of one function, of one event source, and none of an unknown function', async () => {
    const orders = await lambda.list({ FunctionName: 'orders' });
    expect(orders.EventSourceMappings?.map((m) => m.UUID)).toEqual([ordersUuid]);
    expect(orders.EventSourceMappings![0]!.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId).toBe(ordersGroup);
    expect(orders.EventSourceMappings![0]!.LastModified).toBeInstanceOf(Date);
    // By ARN too, as Lambda accepts either.
    expect((await lambda.list({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:audit' })).EventSourceMappings?.map((m) => m.UUID)).toEqual([auditUuid]);
    expect((await lambda.list({ EventSourceArn: clusterArn })).EventSourceMappings?.map((m) => m.UUID)).toEqual([ordersUuid]);
    expect((await lambda.list({ FunctionName: 'other' })).EventSourceMappings).toEqual([]);
  });

  it('pages with MaxItems and Marker until there is no NextMarker', async () => {
    const first = await lambda.list({ MaxItems: 1 });
    expect(first.EventSourceMappings).toHaveLength(1);
    expect(first.NextMarker).toEqual(expect.any(String));
    const second = await lambda.list({ MaxItems: 1, Marker: first.NextMarker! });
    expect(second.EventSourceMappings).toHaveLength(1);
    expect(second.NextMarker).toBeUndefined();
    expect(new Set([...first.EventSourceMappings!, ...second.EventSourceMappings!].map((m) => m.UUID))).toEqual(new Set([ordersUuid, auditUuid]));
  });

  it('gets a mapping, and names an unknown one ResourceNotFoundException', async () => {
    const mapping = await lambda.get(auditUuid);
    expect(mapping).toMatchObject({ UUID: auditUuid, State: 'Enabled', SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: auditGroup } });
    // On-demand: no ProvisionedPollerConfig member at all.
    expect(mapping.ProvisionedPollerConfig).toBeUndefined();
    await expect(lambda.get(randomUUID())).rejects.toMatchObject({ name: 'ResourceNotFoundException', status: 404, retriable: false });
  });

  it('disables a mapping (Disabling, then Disabled), refusing a change mid-transition with ResourceConflictException, and enables it again', async () => {
    // WHEN the mapping is disabled
    const disabling = await lambda.update({ UUID: ordersUuid, Enabled: false });
    // THEN it answers the transitional state
    expect(disabling.State).toBe('Disabling');
    // AND a change before the transition ends is refused, once (not retried by the client)
    const conflict = await lambda.update({ UUID: ordersUuid, Enabled: true }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(AwsServiceError);
    expect(conflict).toMatchObject({ name: 'ResourceConflictException', status: 409, retriable: true, operation: 'UpdateEventSourceMapping' });
    expect((conflict as Error).message).toMatch(/is Disabling/);
    await waitForState('Disabled');
    expect(runtime.mapping(ordersUuid).pollers).toHaveLength(0);

    expect((await lambda.update({ UUID: ordersUuid, Enabled: true })).State).toBe('Enabling');
    await waitForState('Enabled');
    expect(runtime.mapping(ordersUuid).pollers).toHaveLength(1);
  });

  it('changes ProvisionedPollerConfig, and the runtime scales the pollers', async () => {
    const updating = await lambda.update({ UUID: ordersUuid, ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 3 } });
    expect(updating).toMatchObject({ State: 'Updating', ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 3 } });
    await waitForState('Enabled');
    expect(runtime.mapping(ordersUuid).pollers).toHaveLength(2);
    expect((await lambda.get(ordersUuid)).ProvisionedPollerConfig).toEqual({ MinimumPollers: 2, MaximumPollers: 3 });
  });

  it('names an invalid update InvalidParameterValueException, not retriable', async () => {
    await expect(lambda.update({ UUID: ordersUuid, ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 1 } })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      status: 400,
      retriable: false,
      message: 'ProvisionedPollerConfig.MinimumPollers must not exceed MaximumPollers',
    });
  });
});

import { mappingMetricsEmf } from '../../../local/esm/metrics.ts';
import { emptyCounters } from '../../../local/esm/types.ts';

describe('mappingMetricsEmf', () => {
  it('reports event counts since the previous emission and the current offset lag, as AWS/Lambda EMF', () => {
    const previous = { ...emptyCounters(), polledEventCount: 100, invokedEventCount: 90 };
    const counters = { ...emptyCounters(), polledEventCount: 250, invokedEventCount: 200, onFailureDestinationDeliveredEventCount: 2 };
    const doc = mappingMetricsEmf({ functionName: 'orders', uuid: 'u-1', offsetLag: 42, counters, previous, timestampMs: 1_700_000_000_000 });
    expect(doc).toMatchObject({
      _aws: { Timestamp: 1_700_000_000_000, CloudWatchMetrics: [{ Namespace: 'AWS/Lambda', Dimensions: [['FunctionName', 'EventSourceMappingUUID']] }] },
      FunctionName: 'orders',
      EventSourceMappingUUID: 'u-1',
      PolledEventCount: 150,
      InvokedEventCount: 110,
      OnFailureDestinationDeliveredEventCount: 2,
      OffsetLag: 42,
    });
  });

  it('leaves OffsetLag out while the group has committed nothing', () => {
    const doc = mappingMetricsEmf({ functionName: 'f', uuid: 'u', offsetLag: undefined, counters: emptyCounters(), previous: emptyCounters(), timestampMs: 0 });
    expect(doc).not.toHaveProperty('OffsetLag');
    const names = (doc._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]!.Metrics.map((m) => m.Name);
    expect(names).not.toContain('OffsetLag');
  });
});

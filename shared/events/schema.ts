import { z } from 'zod';
import { EVENT_SOURCES, TIMESTAMP_TYPES } from './constants.ts';

// The zod schemas are the specification of the event shape and the source of every error
// message. Objects are `looseObject` on purpose, unlike the project's config schemas: AWS adds
// fields to this event over time (headers in 2021, schema metadata in 2025), and a strict
// schema would fail every invocation the day it does.
// Shape: https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html and
// https://docs.aws.amazon.com/lambda/latest/dg/with-kafka.html ("Example event").

const nonNegativeSafeInt = z.number().int().min(0);

/** Header bytes: Java's signed bytes as Lambda sends them, unsigned ones tolerated. */
export const headerBytesSchema = z.array(z.number().int().min(-128).max(255));

export const schemaMetadataSchema = z.looseObject({
  dataFormat: z.string(),
  schemaId: z.string(),
});

export const kafkaEventRecordSchema = z.looseObject({
  topic: z.string().min(1),
  partition: nonNegativeSafeInt,
  offset: nonNegativeSafeInt,
  timestamp: z.number().int(),
  timestampType: z.enum([TIMESTAMP_TYPES.CREATE_TIME, TIMESTAMP_TYPES.LOG_APPEND_TIME]),
  key: z.string().nullish(),
  value: z.string().nullish(),
  headers: z.array(z.record(z.string(), headerBytesSchema)).optional(),
  keySchemaMetadata: schemaMetadataSchema.optional(),
  valueSchemaMetadata: schemaMetadataSchema.optional(),
});

export const kafkaEventSchema = z
  .looseObject({
    eventSource: z.enum([EVENT_SOURCES.MSK, EVENT_SOURCES.SELF_MANAGED, EVENT_SOURCES.SELF_MANAGED_DOCUMENTED]),
    eventSourceArn: z.string().optional(),
    bootstrapServers: z.string().nullish(),
    records: z.record(z.string(), z.array(kafkaEventRecordSchema)),
  })
  .superRefine((event, ctx) => {
    if (event.eventSource === EVENT_SOURCES.MSK && (event.eventSourceArn === undefined || event.eventSourceArn === '')) {
      ctx.addIssue({ code: 'custom', path: ['eventSourceArn'], message: 'an MSK event needs the cluster ARN' });
    }
  });

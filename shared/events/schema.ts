import * as z from 'zod/mini';
import { EVENT_SOURCES, TIMESTAMP_TYPES } from './constants.ts';

// The zod schemas are the specification of the event shape and the source of every error
// message. Objects are `looseObject` on purpose, unlike the project's config schemas: AWS adds
// fields to this event over time (headers in 2021, schema metadata in 2025), and a strict
// schema would fail every invocation the day it does.
// Shape: https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html and
// https://docs.aws.amazon.com/lambda/latest/dg/with-kafka.html ("Example event").
// zod/mini (functional checks) to keep consumer bundles small: see shared/validation.

const nonNegativeSafeInt = z.number().check(z.int(), z.minimum(0));

/** Header bytes: Java's signed bytes as Lambda sends them, unsigned ones tolerated. */
export const headerBytesSchema = z.array(z.number().check(z.int(), z.minimum(-128), z.maximum(255)));

export const schemaMetadataSchema = z.looseObject({
  dataFormat: z.string(),
  schemaId: z.string(),
});

export const kafkaEventRecordSchema = z.looseObject({
  topic: z.string().check(z.minLength(1)),
  partition: nonNegativeSafeInt,
  offset: nonNegativeSafeInt,
  timestamp: z.number().check(z.int()),
  timestampType: z.enum([TIMESTAMP_TYPES.CREATE_TIME, TIMESTAMP_TYPES.LOG_APPEND_TIME]),
  key: z.nullish(z.string()),
  value: z.nullish(z.string()),
  headers: z.optional(z.array(z.record(z.string(), headerBytesSchema))),
  keySchemaMetadata: z.optional(schemaMetadataSchema),
  valueSchemaMetadata: z.optional(schemaMetadataSchema),
});

export const kafkaEventSchema = z
  .looseObject({
    eventSource: z.enum([EVENT_SOURCES.MSK, EVENT_SOURCES.SELF_MANAGED, EVENT_SOURCES.SELF_MANAGED_DOCUMENTED]),
    eventSourceArn: z.optional(z.string()),
    bootstrapServers: z.nullish(z.string()),
    records: z.record(z.string(), z.array(kafkaEventRecordSchema)),
  })
  .check(
    z.superRefine((event, ctx) => {
      if (event.eventSource === EVENT_SOURCES.MSK && (event.eventSourceArn === undefined || event.eventSourceArn === '')) {
        ctx.addIssue({ code: 'custom', path: ['eventSourceArn'], message: 'an MSK event needs the cluster ARN' });
      }
    }),
  );

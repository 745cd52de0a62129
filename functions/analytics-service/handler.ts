// Lambda entry point of analytics-service-group (topic user-events). Configuration is read
// once, at cold start; see app.ts for the handler and README.md for the variables.
import { createAnalyticsServiceHandler } from './app.ts';

export const handler = createAnalyticsServiceHandler();

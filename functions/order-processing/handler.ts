// Lambda entry point of order-processing-group (topic order-events). Configuration is read
// once, at cold start; see app.ts for the handler and README.md for the variables.
import { createOrderProcessingHandler } from './app.ts';

export const handler = createOrderProcessingHandler();

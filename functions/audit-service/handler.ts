// Lambda entry point of audit-service-group (topic user-events). Configuration is read once,
// at cold start; see app.ts for the handler and README.md for the variables.
import { createAuditServiceHandler } from './app.ts';

export const handler = createAuditServiceHandler();

// Lambda entry point of the offset-reset function. Configuration is read once, at cold
// start; see app.ts for the handler and README.md for the payloads.
import { createOffsetResetHandler, offsetResetConfigFromEnv } from './app.ts';

export const handler = createOffsetResetHandler(offsetResetConfigFromEnv(process.env));

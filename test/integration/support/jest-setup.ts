import { jest } from '@jest/globals';

// Integration tests talk to real services: give them room (testTimeout is not a
// per-project option in Jest's config, so it is set here).
jest.setTimeout(120_000);

// Jest runs in native ESM mode (node --experimental-vm-modules, set by the npm scripts)
// because @platformatic/kafka and middy are ESM-only. SWC strips types; `tsc --noEmit`
// is the type check (npm run typecheck).
//
// `npm run test:unit` and `npm run test:integration` each pick one project with
// SCG_JEST_PROJECT (not --selectProjects, which would swallow test paths given after it).
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
      module: { type: 'es6' },
    },
  ],
};

const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
};

const projects = {
  unit: {
    ...common,
    displayName: 'unit',
    testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/infra/**/*.test.ts'],
  },
  integration: {
    ...common,
    displayName: 'integration',
    testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
    globalSetup: '<rootDir>/test/integration/support/global-setup.ts',
    globalTeardown: '<rootDir>/test/integration/support/global-teardown.ts',
    setupFilesAfterEnv: ['<rootDir>/test/integration/support/jest-setup.ts'],
  },
};

const selected = process.env.SCG_JEST_PROJECT;
export default selected ? projects[selected] : { projects: Object.values(projects) };

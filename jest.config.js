/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
  testMatch: ['<rootDir>/{protocol,sdk,supervisor,bin}/test/**/*.test.ts', '<rootDir>/plugins/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/bench/'],
  testTimeout: 60000,
  maxWorkers: 2,
  // How long jest waits for a worker to exit after the run before force-killing it (and printing
  // "A worker process has failed to exit gracefully"). Jest's default, 500 ms, is shorter than a
  // worker's own process teardown here: no handle or timer is left (the worker's 'exit' event fires
  // within a few ms of jest's end message), but freeing its ~200-300 MB heap and module graph takes
  // 250-300 ms on an idle machine and past 500 ms on a loaded one. A real leak (a ref'd timer,
  // socket or child) still shows the warning: it keeps the worker alive past this limit too.
  workerGracefulExitTimeout: 5000,
};

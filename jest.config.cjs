// Jest runs the JS suites against the built package in dist/ (npm test builds it first).
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/js'],
  testMatch: ['**/*.test.js', '**/*.test.mjs'],
  moduleFileExtensions: ['js', 'mjs', 'cjs', 'json'],
  transform: {},
  testTimeout: 60000,
};

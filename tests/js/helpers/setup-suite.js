// Run in every suite after Jest's globals exist (jest.config.cjs,
// setupFilesAfterEnv): when the suite ends, the Python interpreters that
// runPython kept running for it are told to exit.
const { closePythons } = require('./python');

afterAll(() => closePythons());

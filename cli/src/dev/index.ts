export { startLocalStack, REPO_ROOT, type LocalStack, type LocalStackOptions } from './local-stack.js';
export { startChild, stopChild, waitForLine, type Child } from './child-process.js';

export { runZkCommand, type ZkCliIo } from './zk-command.js';

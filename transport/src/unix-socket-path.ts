import { lstat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { createError } from '@provenant/protocol';
import { listenError, systemErrorName } from './transport-errno.js';

/** ECONNREFUSED is the only answer that proves nobody listens; anything else counts as live. */
function isLiveSocket(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    // A unix connect completes or fails without waiting on a peer (unix(7)), so no timer is needed.
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (error) => resolve(systemErrorName(error) !== 'ECONNREFUSED'));
  });
}

/**
 * Makes `path` free for bind(2). A stale socket file left by a crashed listener is removed; a socket
 * with a live listener is EADDRINUSE; anything that is not a socket (a file someone cares about) is
 * never touched.
 */
export async function prepareUnixListenPath(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (error) {
    if (systemErrorName(error) === 'ENOENT') return;
    throw listenError(systemErrorName(error), `unix://${path}`, error);
  }
  if (!isSocket) throw createError('PRV_ERR_TRANSPORT_NOT_A_SOCKET', path);
  if (await isLiveSocket(path)) throw listenError('EADDRINUSE', `unix://${path}: a listener answers there`);
  await removeUnixSocketFile(path);
}

/** Removes the socket file a listener bound, if it is still a socket. */
export async function removeUnixSocketFile(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isSocket()) await unlink(path);
  } catch (error) {
    if (systemErrorName(error) !== 'ENOENT') throw listenError(systemErrorName(error), `unlink unix://${path}`, error);
  }
}

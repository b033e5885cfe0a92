import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The floor under any extra process hop on this machine: a 4-byte ping-pong between this process and a
 * child over a Unix socket, where the child computes for `idleUs` before answering, so this side's CPU sits
 * idle that long. Returns the round trip's median overhead (round trip minus idleUs) per idle time.
 * Waking a process whose CPU went idle is what a hop costs; on a VM it grows with the idle time (the vCPU
 * halts, and the hypervisor must schedule it again), which is why a hop costs a model of a few ms more
 * than a model of a few µs. Run as a child (`node wakeup-floor.js serve PATH`) it is the answering side.
 */
export async function measureWakeupFloor(idleUs: readonly number[], roundTrips = 300): Promise<Map<number, number>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'provenant-wakeup-'));
  const socketPath = path.join(dir, 'pong.sock');
  const child = fork(fileURLToPath(import.meta.url), ['serve', socketPath], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', reject);
    });
    const socket = net.connect(socketPath);
    await new Promise((resolve) => socket.once('connect', resolve));
    const samples = new Map<number, number[]>(idleUs.map((us) => [us, []]));
    // Round 0 warms both sides up (JIT, socket buffers) and is not counted. Idle times go in turns, so
    // drift on a shared machine touches all of them alike.
    for (let round = 0; round <= 5; round++) {
      for (const us of idleUs) {
        const request = Buffer.alloc(4);
        request.writeUInt32LE(us);
        for (let i = 0; i < Math.ceil(roundTrips / 5); i++) {
          const started = process.hrtime.bigint();
          socket.write(request);
          await new Promise((resolve) => socket.once('data', resolve));
          if (round > 0) samples.get(us)?.push(Number(process.hrtime.bigint() - started) / 1000 - us);
        }
      }
    }
    socket.destroy();
    return new Map([...samples].map(([us, values]) => [us, median(values)]));
  } finally {
    child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

if (process.argv[2] === 'serve') {
  const server = net.createServer((socket) =>
    socket.on('data', (data) => {
      const us = data.readUInt32LE(0);
      const started = process.hrtime.bigint();
      // Busy, not sleeping: the asking side's CPU must be the only one that goes idle.
      while (Number(process.hrtime.bigint() - started) < us * 1000);
      socket.write(data);
    }),
  );
  server.listen(process.argv[3], () => process.send?.('ready'));
}

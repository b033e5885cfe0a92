/**
 * Limits and sizes for the byte-stream transports. Everything a hostile peer or a config file can
 * make large has a bound here (STYLE rules 8 and 17).
 */

/** Longest transport address string accepted, checked before any parsing. */
export const MAX_TRANSPORT_ADDRESS_CHARS = 256;

/** unix(7): sun_path is 108 bytes including the terminating NUL. */
export const MAX_UNIX_PATH_BYTES = 107;

export const MAX_TCP_PORT = 65_535;

/** vsock(7): ports are u32; 0xFFFFFFFF is VMADDR_PORT_ANY, which only listen may ask for (as port 0). */
export const MAX_VSOCK_PORT = 0xffff_fffe;

/** vsock(7): CIDs are u32. */
export const MAX_VSOCK_CID = 0xffff_ffff;

/** Accepted connections a listener keeps open at once unless told otherwise; beyond it new ones are closed. */
export const DEFAULT_MAX_CONNECTIONS = 1024;
export const MAX_MAX_CONNECTIONS = 65_536;

/** listen(2) backlog: same default as node:net; the kernel caps it at net.core.somaxconn. */
export const DEFAULT_BACKLOG = 511;
export const MAX_BACKLOG = 65_535;

/** A connect timeout longer than this is a configuration mistake, not a wait. */
export const MAX_CONNECT_TIMEOUT_MS = 10 * 60_000;

/** The kernel's own vsock connect timeout is set this much above ours, so our timer fires first. */
export const VSOCK_KERNEL_CONNECT_MARGIN_MS = 1_000;

/** Read size per read(2) on addon sockets: same as node:fs streams' 64 KiB. */
export const READ_CHUNK_BYTES = 64 * 1024;

/** A read smaller than this is copied out so a 64 KiB read buffer is not pinned by a few bytes. */
export const READ_COPY_THRESHOLD_BYTES = 16 * 1024;

/** Reads per readiness event: lets other sockets on the loop have a turn (fairness, not a limit). */
export const MAX_READS_PER_EVENT = 16;

/** Accepts per readiness event, for the same reason. */
export const MAX_ACCEPTS_PER_EVENT = 64;

/** Buffered bytes before write() returns false / push() stops reading, both ways, on addon sockets. */
export const STREAM_HIGH_WATER_MARK_BYTES = 64 * 1024;

/** After EMFILE/ENFILE on accept, stop polling the listener this long instead of spinning on it. */
export const ACCEPT_BACKOFF_MS = 100;

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  /** `127.0.0.1`, `0.0.0.0`, `::`, `::1`, `::ffff:127.0.0.1`, … */
  readonly address: string;
  readonly port: number;
}

/** TCP state LISTEN in /proc/net/tcp{,6}. */
const LISTEN = '0A';

/** An address of /proc/net/tcp{,6}: 32-bit words in host (little-endian) byte order, in hex. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) =>
    [w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2)].map((b) => parseInt(b, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  const v4 = bytes.slice(12).join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${v4}`;
  const groups = Array.from({ length: 8 }, (_, i) =>
    (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16),
  );
  return groups
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::')
    .replace(/:{3,}/, '::');
}

/** Socket inode → its listening address, for every listening TCP socket of the machine. */
function listeningByInode(): Map<string, ListeningSocket> {
  const out = new Map<string, ListeningSocket>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [local, state, inode] = [f[1], f[3], f[9]];
      if (local === undefined || state !== LISTEN || inode === undefined) continue;
      const [address, port] = local.split(':') as [string, string];
      out.set(inode, { address: decodeAddress(address), port: parseInt(port, 16) });
    }
  }
  return out;
}

/** The TCP sockets process `pid` listens on, read from /proc (Linux). */
export function listeningSocketsOf(pid: number): ListeningSocket[] {
  const listening = listeningByInode();
  const out: ListeningSocket[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    const socket = inode === undefined ? undefined : listening.get(inode);
    if (socket !== undefined) out.push(socket);
  }
  return out.sort((a, b) => a.port - b.port || a.address.localeCompare(b.address));
}

/** Whether an address is the IPv4 loopback 127.0.0.1 (also as an IPv4-mapped IPv6 address). */
export function isIpv4Loopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::ffff:127.0.0.1';
}

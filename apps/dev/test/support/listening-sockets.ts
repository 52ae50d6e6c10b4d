// Test support: the TCP sockets a process tree listens on, read from Linux's
// /proc (proc(5): /proc/net/tcp and tcp6 list sockets with their state and
// inode; /proc/<pid>/fd links each open socket to its inode). Used to check
// what `npm run dev` really binds, not what it says it binds.
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface ListeningSocket {
  address: string;
  port: number;
}

/** The pid and all of its descendants (tsx runs node as a child). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1]) inodes.add(match[1]);
      } catch {
        // fd closed meanwhile
      }
    }
  } catch {
    // process gone
  }
  return inodes;
}

/** /proc/net/tcp stores addresses as little-endian 32-bit words in hex. */
function decodeAddress(hex: string): string {
  const words = (hex.match(/.{8}/g) ?? []).map((word) =>
    (word.match(/.{2}/g) ?? []).reverse().map((byte) => Number.parseInt(byte, 16)),
  );
  const bytes = words.flat();
  if (bytes.length === 4) return bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push(((bytes[i] ?? 0) * 256 + (bytes[i + 1] ?? 0)).toString(16));
  const text = groups.join(":");
  if (text.startsWith("0:0:0:0:0:ffff:")) return `::ffff:${bytes.slice(12).join(".")}`;
  return text === "0:0:0:0:0:0:0:1" ? "::1" : text === "0:0:0:0:0:0:0:0" ? "::" : text;
}

/** Every TCP socket in LISTEN state held by the process tree rooted at `pid`. */
export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = new Set(processTree(pid).flatMap((p) => [...socketInodes(p)]));
  const found: ListeningSocket[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").trim().split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (state !== "0A" || !local || !inode || !inodes.has(inode)) continue; // 0A = LISTEN
      const [address, port] = local.split(":");
      found.push({ address: decodeAddress(address ?? ""), port: Number.parseInt(port ?? "0", 16) });
    }
  }
  return found;
}

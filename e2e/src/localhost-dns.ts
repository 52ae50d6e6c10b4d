// `*.localhost` is loopback by RFC 6761 and browsers resolve it so, but glibc
// (what Node's dns.lookup asks) often does not. Store URLs from `npm run up`
// are http://<store>.localhost, so the suite answers those names itself.
// Node's fetch connects through net.connect, which calls the public
// dns.lookup: replacing it here covers every request in this process.
import dns, { type LookupAddress } from "node:dns";
import { promisify } from "node:util";

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

let installed = false;

export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

export function resolveLocalhostNames(): void {
  if (installed) return;
  installed = true;
  const original = dns.lookup;
  const patched = (hostname: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === "function" ? options : callback) as LookupCallback;
    const opts = (typeof options === "object" && options !== null ? options : {}) as {
      all?: boolean;
    };
    if (!isLocalhostName(hostname)) {
      return (original as (...args: unknown[]) => void)(hostname, options, callback);
    }
    const address = { address: "127.0.0.1", family: 4 };
    process.nextTick(() =>
      opts.all ? cb(null, [address]) : cb(null, address.address, address.family),
    );
  };
  // util.promisify(dns.lookup) resolves { address, family }, not just the address.
  Object.defineProperty(patched, promisify.custom, {
    value: (hostname: string, options?: unknown) =>
      new Promise((resolve, reject) =>
        patched(
          hostname,
          options ?? {},
          (error: Error | null, address: unknown, family?: number) =>
            error ? reject(error) : resolve(Array.isArray(address) ? address : { address, family }),
        ),
      ),
  });
  (dns as { lookup: unknown }).lookup = patched;
}

// Whether a socket's peer is this machine (IPv4 127/8, IPv6 ::1, or IPv4-mapped loopback).
import { isIP } from "node:net";

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return plain === "::1";
}

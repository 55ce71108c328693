// IP address matching in EventBridge event patterns (event-pattern.ts): the `cidr` operator and an
// exact address, for IPv4 and IPv6 ("IP address matching" in
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html),
// with the CIDR rules of aws/event-ruler's CIDR.cidr.

import { isIP } from 'node:net';

export interface CidrBlock {
  address: number[];
  bits: number;
}

/** A CIDR block, or the reason the text is not one. */
export function parseCidr(text: string): CidrBlock | string {
  const parts = text.split('/');
  if (parts.length !== 2) return "Malformed CIDR, one '/' required";
  const [ip, mask] = parts as [string, string];
  if (!/^\d+$/.test(mask)) return 'Malformed CIDR, mask bits must be an integer';
  const address = addressBytes(ip);
  if (address === undefined) return `Invalid IP address: ${ip}`;
  const bits = Number(mask);
  // event-ruler's CIDR.cidr: IPv4 masks must be < 32 and IPv6 masks < 128.
  if (address.length === 4 && bits > 31) return 'IPv4 mask bits must be < 32';
  if (address.length === 16 && bits > 127) return 'IPv6 mask bits must be < 128';
  return { address, bits };
}

export function inCidr(cidr: string, value: string): boolean {
  const block = parseCidr(cidr);
  const address = addressBytes(value);
  if (typeof block === 'string' || address === undefined || address.length !== block.address.length)
    return false;
  for (let bit = 0; bit < block.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((address[byte] as number) & mask) !== ((block.address[byte] as number) & mask)) return false;
  }
  return true;
}

export function sameAddress(a: string, b: string): boolean {
  const [x, y] = [addressBytes(a), addressBytes(b)];
  return x !== undefined && y !== undefined && x.length === y.length && x.every((byte, i) => byte === y[i]);
}

/** The address's bytes (4 for IPv4, 16 for IPv6), or undefined if the text is not an IP address. */
function addressBytes(text: string): number[] | undefined {
  const family = isIP(text);
  if (family === 4) return text.split('.').map(Number);
  if (family !== 6) return undefined;
  const plain = text.split('%')[0] as string;
  const [head = '', tail] = plain.split('::') as [string, string | undefined];
  const groups = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      if (group.includes('.')) {
        const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
        return [(a << 8) | b, (c << 8) | d];
      }
      return [parseInt(group, 16)];
    });
  };
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  return words.flatMap((word) => [word >> 8, word & 0xff]);
}

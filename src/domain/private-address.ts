import { BlockList, isIP } from 'node:net'

/**
 * Where a webhook must not go unless the operator allows it (HEIMDALL_WEBHOOK_ALLOW_PRIVATE): the
 * machine itself, private networks, link-local (which holds the cloud metadata services at
 * 169.254.169.254 and fd00:ec2::254), carrier-grade NAT, and addresses that are no destination at
 * all. A URL pointing there from an admin's typo, or from an attacker who got to create a webhook,
 * would otherwise read internal services (SSRF).
 */
const blocked = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) blocked.addSubnet(network, prefix, 'ipv4')
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local (holds fd00:ec2::254, EC2's metadata over IPv6)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64: may embed any IPv4 address
  ['2001:db8::', 32], // documentation
] as const) blocked.addSubnet(network, prefix, 'ipv6')

/** Whether `address` (an IPv4 or IPv6 literal) is one a webhook may not reach; anything that is no IP address counts as forbidden. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return true
  if (family === 6) {
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms reach the IPv4 address they carry.
    const mapped = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
    if (mapped) return blocked.check(mapped[1], 'ipv4')
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address)
    if (hexMapped) {
      const [high, low] = [parseInt(hexMapped[1], 16), parseInt(hexMapped[2], 16)]
      return blocked.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4')
    }
    return blocked.check(address, 'ipv6')
  }
  return blocked.check(address, 'ipv4')
}

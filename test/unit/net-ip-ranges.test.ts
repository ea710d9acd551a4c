import { describe, expect, it } from 'vitest';
import {
  classifyAddress,
  describeAddressClass,
  isPublicAddress,
  parseIPv6,
} from '../../electron/core/gateways/net/ip-ranges';

describe('net address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.100.100.200', 'metadata'],
    ['169.254.169.254', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmark'],
    ['198.19.255.255', 'benchmark'],
  ])('IPv4 %s is %s', (address, kind) => {
    expect(classifyAddress(address)).toMatchObject({ kind, family: 4 });
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0'])(
    'IPv4 %s is public',
    (address) => {
      expect(classifyAddress(address)).toEqual({ kind: 'public', family: 4 });
    },
  );

  it.each([
    ['::1', 'loopback', undefined],
    ['::', 'unspecified', undefined],
    ['0:0:0:0:0:0:0:1', 'loopback', undefined],
    ['fe80::1', 'link-local', undefined],
    ['fe80::1%eth0', 'link-local', undefined],
    ['febf::1', 'link-local', undefined],
    ['fc00::1', 'unique-local', undefined],
    ['fd12:3456::1', 'unique-local', undefined],
    ['fd00:ec2::254', 'metadata', undefined],
    ['fec0::1', 'private', undefined],
    ['ff02::1', 'multicast', undefined],
    ['2001:db8::1', 'documentation', undefined],
    ['3fff::1', 'documentation', undefined],
    ['2001:2::1', 'benchmark', undefined],
    ['2001::1', 'reserved', undefined],
    ['100::1', 'reserved', undefined],
    ['64:ff9b:1::1', 'private', undefined],
    ['4000::1', 'reserved', undefined],
    ['::ffff:127.0.0.1', 'loopback', 'ipv4-mapped'],
    ['::ffff:7f00:1', 'loopback', 'ipv4-mapped'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback', 'ipv4-mapped'],
    ['::ffff:a9fe:a9fe', 'metadata', 'ipv4-mapped'],
    ['::ffff:10.1.2.3', 'private', 'ipv4-mapped'],
    ['::ffff:0:7f00:1', 'loopback', 'ipv4-translated'],
    ['::127.0.0.1', 'loopback', 'ipv4-compatible'],
    ['::7f00:1', 'loopback', 'ipv4-compatible'],
    ['::8.8.8.8', 'reserved', 'ipv4-compatible'],
    ['64:ff9b::7f00:1', 'loopback', 'nat64'],
    ['64:ff9b::192.168.0.1', 'private', 'nat64'],
    ['64:ff9b::a9fe:a9fe', 'metadata', 'nat64'],
    ['2002:7f00:1::', 'loopback', '6to4'],
    ['2002:c0a8:101::1', 'private', '6to4'],
    ['2002:a9fe:a9fe::1', 'metadata', '6to4'],
  ])('IPv6 %s is %s', (address, kind, via) => {
    const c = classifyAddress(address);
    expect(c.kind).toBe(kind);
    expect(c.family).toBe(6);
    expect(c.via).toBe(via);
  });

  it.each(['2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'IPv6 %s is public',
    (address) => {
      expect(classifyAddress(address).kind).toBe('public');
    },
  );

  it('refuses anything that is not a canonical address instead of guessing', () => {
    for (const bad of ['0x7f.1', '2130706433', '017700000001', '127.1', '0177.0.0.1', 'localhost', '', '1.2.3.4.5']) {
      expect(classifyAddress(bad).kind).toBe('invalid');
    }
  });

  it('accepts bracketed IPv6 literals as URL.hostname gives them', () => {
    expect(classifyAddress('[::ffff:7f00:1]')).toMatchObject({ kind: 'loopback', via: 'ipv4-mapped' });
    expect(classifyAddress('[::1]').kind).toBe('loopback');
  });

  it('parses IPv6 into 16 bytes, including embedded dotted quads', () => {
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIPv6('1::')).toEqual([0, 1, ...Array<number>(14).fill(0)]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(parseIPv6('1:2')).toBeNull();
  });

  it('describes a class in words without the address', () => {
    expect(describeAddressClass(classifyAddress('::ffff:127.0.0.1'))).toBe('a loopback address (IPv4-mapped IPv6)');
    expect(describeAddressClass(classifyAddress('169.254.169.254'))).toBe('a cloud metadata address');
  });
});

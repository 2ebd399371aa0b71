import { describe, expect, it } from 'vitest';
import { classifyAddress, webhookTargetWarnings } from './webhook-target';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'reserved'],
    ['203.0.113.7', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'reserved'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:7f00:1', 'loopback'],
    ['2001:db8::1', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(['93.184.216.34', '172.32.0.1', '192.169.0.1', '100.128.0.1', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(classifyAddress(address)).toBeNull();
    },
  );

  it('is null for something that is not an address', () => {
    expect(classifyAddress('bridge.example.com')).toBeNull();
  });
});

describe('webhookTargetWarnings', () => {
  const resolvesTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address }));

  it('warns about an IP literal in a private range without resolving anything', async () => {
    const warnings = await webhookTargetWarnings('http://192.168.1.5:3000', () => Promise.reject(new Error('not called')));
    expect(warnings).toEqual([expect.objectContaining({ code: 'WEBHOOK_TARGET_PRIVATE' })]);
    expect(warnings[0].message).toContain('192.168.1.5 (private)');
    expect(warnings[0].message).toContain('SAFE_FETCH_ALLOW_PRIVATE_NETWORK');
  });

  it('resolves DNS names: private when every address is', async () => {
    const warnings = await webhookTargetWarnings('https://bridge.internal', resolvesTo('10.0.0.5', 'fd00::5'));
    expect(warnings.map((w) => w.code)).toEqual(['WEBHOOK_TARGET_PRIVATE']);
    expect(warnings[0].message).toContain('10.0.0.5 (private), fd00::5 (unique-local)');
  });

  it('says nothing when a public address is among them (Chatwoot then connects to that one)', async () => {
    expect(await webhookTargetWarnings('https://bridge.example.com', resolvesTo('10.0.0.5', '93.184.216.34'))).toEqual([]);
    expect(await webhookTargetWarnings('https://[2606:4700::1111]/', resolvesTo())).toEqual([]);
  });

  it('warns when the name does not resolve', async () => {
    const failing = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const warnings = await webhookTargetWarnings('https://nowhere.invalid', failing);
    expect(warnings).toEqual([expect.objectContaining({ code: 'PUBLIC_URL_UNRESOLVED' })]);
    expect(warnings[0].message).toContain('ENOTFOUND');
  });

  it('resolves with node:dns by default (localhost is loopback)', async () => {
    const warnings = await webhookTargetWarnings('http://localhost:3000');
    expect(warnings.map((w) => w.code)).toEqual(['WEBHOOK_TARGET_PRIVATE']);
    expect(warnings[0].message).toMatch(/\((loopback)\)/);
  });
});

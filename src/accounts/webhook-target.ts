import { Injectable, Logger } from '@nestjs/common';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';

/** A problem provisioning found that does not stop it, shown on the store (GET /v1/stores/:id). */
export interface StoreWarning {
  code: string;
  message: string;
}

export type AddressClass = 'loopback' | 'private' | 'link-local' | 'unique-local' | 'reserved';

type Range = [address: string, prefix: number, family: 'ipv4' | 'ipv6', kind: AddressClass];

/**
 * The address ranges Chatwoot's SafeFetch refuses as webhook targets (v4.14.0+, `lib/safe_fetch.rb`
 * through the ssrf_filter gem's reserved-range lists): private, loopback, link-local and unique-local
 * networks, and the other special-purpose blocks that are not on the public internet.
 */
const RANGES: Range[] = [
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'private'], // carrier-grade NAT (shared address space)
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['0.0.0.0', 8, 'ipv4', 'reserved'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.0.2.0', 24, 'ipv4', 'reserved'],
  ['192.88.99.0', 24, 'ipv4', 'reserved'],
  ['198.18.0.0', 15, 'ipv4', 'reserved'],
  ['198.51.100.0', 24, 'ipv4', 'reserved'],
  ['203.0.113.0', 24, 'ipv4', 'reserved'],
  ['224.0.0.0', 4, 'ipv4', 'reserved'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::', 128, 'ipv6', 'reserved'],
  ['fc00::', 7, 'ipv6', 'unique-local'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['64:ff9b::', 96, 'ipv6', 'reserved'],
  ['100::', 64, 'ipv6', 'reserved'],
  ['2001::', 23, 'ipv6', 'reserved'],
  ['2001:db8::', 32, 'ipv6', 'reserved'],
  ['2002::', 16, 'ipv6', 'reserved'],
  ['ff00::', 8, 'ipv6', 'reserved'],
];

const LISTS = new Map<AddressClass, BlockList>();
for (const [address, prefix, family, kind] of RANGES) {
  const list = LISTS.get(kind) ?? new BlockList();
  list.addSubnet(address, prefix, family);
  LISTS.set(kind, list);
}

/** IPv4 written inside IPv6 (`::ffff:10.0.0.1`, `::10.0.0.1`, or their hex forms): the IPv4 address. */
function embeddedIpv4(address: string): string | null {
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Why an address is not a public internet address, or null when it is public. */
export function classifyAddress(raw: string): AddressClass | null {
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 0) return null;
  const v4 = family === 6 ? embeddedIpv4(address) : address;
  const [target, type] = v4 ? [v4, 'ipv4' as const] : [address, 'ipv6' as const];
  for (const [kind, list] of LISTS) if (list.check(target, type)) return kind;
  return null;
}

export type Lookup = (hostname: string) => Promise<{ address: string }[]>;

const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * What Chatwoot would make of PUBLIC_URL as a webhook target: a warning when every address it
 * resolves to is private or loopback (SafeFetch then refuses each delivery, logs it and never
 * retries), or when it does not resolve at all.
 */
export async function webhookTargetWarnings(publicUrl: string, lookup: Lookup = systemLookup): Promise<StoreWarning[]> {
  let host: string;
  try {
    host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return [{ code: 'PUBLIC_URL_INVALID', message: `PUBLIC_URL ${publicUrl} is not a URL` }];
  }
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host)).map((a) => a.address);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'lookup failed';
      return [
        {
          code: 'PUBLIC_URL_UNRESOLVED',
          message: `PUBLIC_URL host ${host} did not resolve here (${code}); Chatwoot cannot deliver webhooks to a name it cannot resolve`,
        },
      ];
    }
  }
  const classes = addresses.map((a) => [a, classifyAddress(a)] as const);
  if (classes.length === 0 || classes.some(([, kind]) => kind === null)) return [];
  const described = classes.map(([address, kind]) => `${address} (${kind})`).join(', ');
  return [
    {
      code: 'WEBHOOK_TARGET_PRIVATE',
      message:
        `PUBLIC_URL ${publicUrl} resolves to ${described}: Chatwoot v4.14.0+ refuses to deliver webhooks to private ` +
        'or loopback addresses unless it runs with SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true. Set that on the Chatwoot ' +
        'installation, or give the service a public PUBLIC_URL.',
    },
  ];
}

/** Checks PUBLIC_URL as a webhook target for provisioning; logs and counts what it finds. */
@Injectable()
export class WebhookTargetCheck {
  private readonly logger = new Logger(WebhookTargetCheck.name);
  private readonly gauge;
  private lookup: Lookup = systemLookup;
  private logged = '[]';

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.gauge = metrics.gauge(
      'accounts_webhook_target_private',
      '1 when PUBLIC_URL resolves only to private/loopback addresses (Chatwoot refuses such webhook targets by default)',
    );
  }

  /** Tests substitute the resolver. */
  useLookup(lookup: Lookup): void {
    this.lookup = lookup;
  }

  async warnings(): Promise<StoreWarning[]> {
    const warnings = await webhookTargetWarnings(this.config.PUBLIC_URL, this.lookup);
    this.gauge.set(warnings.some((w) => w.code === 'WEBHOOK_TARGET_PRIVATE') ? 1 : 0);
    // Once per change, not once per store and repair run.
    const seen = JSON.stringify(warnings);
    if (seen !== this.logged) for (const warning of warnings) this.logger.warn(warning.message);
    this.logged = seen;
    return warnings;
  }
}

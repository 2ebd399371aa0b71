import { createHash, randomBytes, randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { CwWebWidgetInput } from '../chatwoot/chatwoot.types';
import type { Store } from './entities/store.entity';
import { SUBSCRIBED_EVENTS } from '../chatwoot/webhook-events';

/**
 * What a store's Chatwoot account should contain. Provisioning creates it, drift repair compares
 * against it; both read the same definitions here.
 */

/** Namespaced key on the Chatwoot account's custom_attributes that names the store owning it. */
export const ACCOUNT_STORE_ATTRIBUTE = 'store_bridge_store_id';

/** The events each store's webhook subscribes to (the one list lives with the Chatwoot door). */
export const WEBHOOK_SUBSCRIPTIONS = SUBSCRIBED_EVENTS;

export const WEBHOOK_NAME = 'Store bridge';
export const DEFAULT_TEAMS = ['managers', 'vip'] as const;
export const DASHBOARD_APP_TITLE = 'Customer';
export const DEFAULT_WIDGET_COLOR = '#1f93ff';
export const DEFAULT_TIMEZONE = 'Europe/Amsterdam';
/** Used for the admin e-mail when PUBLIC_URL has no usable domain (an IP, localhost). */
export const FALLBACK_ADMIN_EMAIL_DOMAIN = 'chatwoot-bridge.invalid';

function base(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '');
}

export function webhookUrl(publicUrl: string, storeId: string): string {
  return `${base(publicUrl)}/v1/webhooks/chatwoot/${encodeURIComponent(storeId)}`;
}

export function dashboardAppUrlPrefix(publicUrl: string): string {
  return `${base(publicUrl)}/dashboard-app`;
}

export function dashboardAppUrl(publicUrl: string, contextToken: string): string {
  return `${dashboardAppUrlPrefix(publicUrl)}?token=${encodeURIComponent(contextToken)}`;
}

/** Opaque per-store token embedded in the dashboard app URL. */
export function newContextToken(): string {
  return randomBytes(32).toString('base64url');
}

export function newNotificationSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The store's service-owned administrator in Chatwoot. Chatwoot finds users by e-mail across the
 * whole installation and lower-cases it, so the address must be unique per store even for ids
 * differing only in case, and must not capture someone else's user.
 */
export function adminEmailFor(storeId: string, publicUrl: string): string {
  let host = '';
  try {
    host = new URL(publicUrl).hostname.toLowerCase();
  } catch {
    host = '';
  }
  const domain = host && host.includes('.') && !isIP(host) ? host : FALLBACK_ADMIN_EMAIL_DOMAIN;
  const plain =
    /^[a-z0-9._-]{1,40}$/.test(storeId) && !storeId.startsWith('.') && !storeId.endsWith('.') && !storeId.includes('..');
  const tag = plain
    ? storeId
    : `${storeId
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 24)}-${createHash('sha256').update(storeId).digest('hex').slice(0, 10)}`.replace(/^-/, '');
  return `chatwoot-bridge+${tag}@${domain}`;
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SPECIAL = '!@#$%^&*()-_=+';

/**
 * A password meeting Chatwoot's rule (1 upper, 1 lower, 1 digit, 1 special; 6..128 chars). Nobody
 * logs in with it: the service works with the user's API token and agents use SSO links.
 */
export function strongPassword(length = 32): string {
  const all = LOWER + UPPER + DIGITS + SPECIAL;
  const pick = (set: string) => set[randomInt(set.length)];
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SPECIAL)];
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

export function inboxName(store: Pick<Store, 'name'>): string {
  return store.name;
}

export interface WidgetChannel {
  website_url: string;
  widget_color: string;
  welcome_title: string;
  welcome_tagline: string;
  hmac_mandatory: boolean;
  allowed_domains: string;
}

/** The web widget's channel settings that follow the store (branding, website). */
export function widgetChannel(store: Pick<Store, 'websiteUrl' | 'branding'>): WidgetChannel {
  return {
    website_url: store.websiteUrl,
    widget_color: store.branding?.color ?? DEFAULT_WIDGET_COLOR,
    welcome_title: store.branding?.welcomeTitle ?? '',
    welcome_tagline: store.branding?.welcomeTagline ?? '',
    hmac_mandatory: true,
    allowed_domains: allowedDomains(store.websiteUrl),
  };
}

/**
 * The widget's `allowed_domains`: Chatwoot writes the comma-separated list as given into the
 * widget iframe's `Content-Security-Policy: frame-ancestors` (`app/controllers/widgets_controller.rb`,
 * `allow_iframe_requests`), so it must name the store's own host, and its apex/`www` twin since
 * shops are commonly served on both. The port stays when it is not the scheme's default (a
 * host-source without a port only matches the default one).
 */
export function allowedDomains(websiteUrl: string): string {
  let url: URL;
  try {
    url = new URL(websiteUrl);
  } catch {
    return '';
  }
  const host = url.hostname.toLowerCase();
  const port = url.port ? `:${url.port}` : '';
  const hosts = [host];
  if (host.includes('.') && !isIP(host.replace(/^\[|\]$/g, ''))) {
    hosts.push(host.startsWith('www.') ? host.slice(4) : `www.${host}`);
  }
  return hosts.map((h) => `${h}${port}`).join(',');
}

/** Same list of allowed domains, ignoring order, case and the blanks Chatwoot strips. */
export function sameDomains(actual: string | null | undefined, wanted: string): boolean {
  const set = (list: string | null | undefined) =>
    [
      ...new Set(
        (list ?? '')
          .split(',')
          .map((d) => d.trim().toLowerCase())
          .filter(Boolean),
      ),
    ].sort();
  return JSON.stringify(set(actual)) === JSON.stringify(set(wanted));
}

export function webWidgetInbox(store: Pick<Store, 'name' | 'websiteUrl' | 'branding' | 'timezone'>): CwWebWidgetInput {
  return {
    name: inboxName(store),
    channel: {
      type: 'web_widget',
      ...widgetChannel(store),
      reply_time: 'in_a_few_minutes',
    },
    timezone: store.timezone || DEFAULT_TIMEZONE,
    enable_email_collect: true,
  };
}

/** Same subscriptions regardless of order. */
export function sameSubscriptions(actual: readonly string[] | undefined): boolean {
  const have = new Set(actual ?? []);
  return have.size === WEBHOOK_SUBSCRIPTIONS.length && WEBHOOK_SUBSCRIPTIONS.every((event) => have.has(event));
}

import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';

export interface StaticAsset {
  body: string;
  headers: Record<string, string>;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The dashboard app: one static page, its script and stylesheet, read once. Only Chatwoot's
 * dashboard may frame it (frame-ancestors = its public origin, CHATWOOT_FRONTEND_URL) and the page
 * only accepts `appContext` messages from that origin, which is written into the page here. That
 * is not necessarily CHATWOOT_URL: the dashboard window posts from Chatwoot's FRONTEND_URL
 * (`app/javascript/dashboard/components/widgets/DashboardApp/Frame.vue`), while the service may
 * reach the API on an internal URL.
 */
@Injectable()
export class DashboardAppPage {
  private readonly page: StaticAsset;
  private readonly script: StaticAsset;
  private readonly style: StaticAsset;

  constructor(config: AppConfig) {
    const origin = config.chatwootFrontendOrigin;
    const dir = join(__dirname, 'public');
    const csp = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: https:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${origin}`,
    ].join('; ');
    this.page = {
      body: readFileSync(join(dir, 'dashboard-app.html'), 'utf8').replace('{{CHATWOOT_ORIGIN}}', escapeAttribute(origin)),
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
        // The URL carries the context token: never send it on as a referrer, never cache the page.
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    };
    const asset = (file: string, type: string): StaticAsset => ({
      body: readFileSync(join(dir, file), 'utf8'),
      headers: { 'content-type': type, 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' },
    });
    this.script = asset('dashboard-app.js', 'application/javascript; charset=utf-8');
    this.style = asset('dashboard-app.css', 'text/css; charset=utf-8');
  }

  html(): StaticAsset {
    return this.page;
  }

  js(): StaticAsset {
    return this.script;
  }

  css(): StaticAsset {
    return this.style;
  }
}

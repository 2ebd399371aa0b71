import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';

/** The string literal in public/tracker.js replaced by the service's public URL. */
export const PUBLIC_URL_PLACEHOLDER = /(["'])__CHATWOOT_BRIDGE_PUBLIC_URL__\1/;

/**
 * tracker.js is a static, dependency-free file (nest-cli copies `public/` into dist); the only
 * thing the server adds is where to send events, so storefronts on any CDN-cached copy still
 * post to the right host.
 */
@Injectable()
export class TrackerScriptService {
  readonly body: string;

  constructor(config: AppConfig) {
    const source = readFileSync(join(__dirname, 'public', 'tracker.js'), 'utf8');
    this.body = source.replace(PUBLIC_URL_PLACEHOLDER, JSON.stringify(config.PUBLIC_URL.replace(/\/+$/, '')));
  }
}

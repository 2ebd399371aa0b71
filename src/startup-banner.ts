import { DEV_SECRETS, type AppConfig } from './config/app-config';
import { SERVICE_VERSION } from './version';

export interface BannerFacts {
  config: AppConfig;
  /** The embedded cluster's data folder (the real one, after any link), when the database is embedded. */
  embeddedDataPath?: string;
  /** True when `<DATA_DIR>/pg` is a link to that folder. */
  embeddedLinked?: boolean;
  startedInMs: number;
}

/**
 * The human-readable lines `npm start` prints once it listens: where to go, what it runs on and,
 * while the development defaults are in use, the credentials to use. A real secret never appears:
 * only values equal to the published development defaults are printed.
 */
export function startupBanner(facts: BannerFacts): string {
  const { config } = facts;
  const local = `http://localhost:${config.PORT}`;
  const rows: Array<[string, string]> = [
    ['API docs', `${local}/docs  (OpenAPI JSON: ${local}/docs-json)`],
    ['Health', `${local}/health`],
    ['Metrics', `${local}/metrics  (Prometheus text)`],
  ];
  if (config.PUBLIC_URL.replace(/\/$/, '') !== local) rows.push(['Public URL', config.PUBLIC_URL]);
  if (facts.embeddedDataPath) {
    const link = facts.embeddedLinked ? ` (linked from ${config.DATA_DIR}/pg)` : '';
    rows.push(['Database', `embedded PostgreSQL, data in ${facts.embeddedDataPath}${link}; reset with \`npm run reset\``]);
  } else {
    rows.push(['Database', 'external PostgreSQL (DATABASE_URL)']);
  }
  rows.push([
    'Chatwoot',
    `${config.CHATWOOT_URL}${config.CHATWOOT_URL === 'http://127.0.0.1:3001' ? '  (`npm run chatwoot:fake` serves a fake here)' : ''}`,
  ]);
  if (config.PLATFORM_API_KEY === DEV_SECRETS.PLATFORM_API_KEY) {
    rows.push([
      'Platform key',
      `Authorization: Bearer ${DEV_SECRETS.PLATFORM_API_KEY}  (development default; set PLATFORM_API_KEY in production)`,
    ]);
  } else {
    rows.push(['Platform key', 'from PLATFORM_API_KEY (not shown)']);
  }
  const defaults = Object.entries(DEV_SECRETS)
    .filter(([name, value]) => config[name as keyof typeof DEV_SECRETS] === value)
    .map(([name]) => name);
  if (defaults.length > 0) rows.push(['Dev defaults', `${defaults.join(', ')} (NODE_ENV=production refuses them)`]);
  rows.push([
    'Started in',
    `${(facts.startedInMs / 1000).toFixed(1)} s (NODE_ENV=${config.NODE_ENV}, LOG_LEVEL=${config.LOG_LEVEL})`,
  ]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    '',
    `chatwoot-store-bridge ${SERVICE_VERSION} is listening on ${local}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
  ].join('\n');
}

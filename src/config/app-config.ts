import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes'].includes(String(value).toLowerCase());
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Development defaults: `npm start` works with nothing set; production refuses them. */
export const DEV_SECRETS = {
  CHATWOOT_PLATFORM_TOKEN: 'platform-dev-token',
  PLATFORM_API_KEY: 'dev-platform-api-key',
  // 32 bytes, base64. Never valid in production.
  ENCRYPTION_KEY: 'ZGV2LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLWxvbmc=',
} as const;

/**
 * Every environment variable the service reads, validated once at start-up.
 * Nothing else in the code base reads `process.env`.
 */
export class AppConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Unset: the service starts an embedded PostgreSQL under DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string = undefined;

  /** Where the embedded PostgreSQL keeps its data. */
  @IsString()
  DATA_DIR = './.data';

  /** Optional: shared cache and rate-limit storage for several instances. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string = undefined;

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  CHATWOOT_URL = 'http://127.0.0.1:3001';

  /**
   * Chatwoot's public dashboard origin (its FRONTEND_URL): it frames the dashboard app and posts
   * `appContext`. Unset: the origin of CHATWOOT_URL. Set it when the service reaches Chatwoot's API
   * on another (internal) URL.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  CHATWOOT_FRONTEND_URL?: string = undefined;

  @IsString()
  @MinLength(8)
  CHATWOOT_PLATFORM_TOKEN: string = DEV_SECRETS.CHATWOOT_PLATFORM_TOKEN;

  /** Outbound requests per budget window to the Chatwoot host (Chatwoot allows 3000/min per IP). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CHATWOOT_BUDGET_PER_WINDOW = 2400;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  CHATWOOT_BUDGET_WINDOW_MS = 60_000;

  /**
   * With REDIS_URL: the fewest instances assumed while Redis is unreachable, when each instance
   * keeps to 1/N of the budget (N = the live instances last seen in Redis, at least this).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CHATWOOT_FLEET_MIN_INSTANCES = 1;

  /** Concurrent in-flight Chatwoot requests per store, so one store cannot starve the others. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CHATWOOT_STORE_CONCURRENCY = 4;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  CHATWOOT_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  CHATWOOT_MAX_RETRIES = 4;

  /** First retry delay; later ones grow exponentially with jitter. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CHATWOOT_RETRY_BASE_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  CHATWOOT_BREAKER_THRESHOLD = 8;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  CHATWOOT_BREAKER_HALF_OPEN_MS = 30_000;

  @IsString()
  @MinLength(16)
  PLATFORM_API_KEY: string = DEV_SECRETS.PLATFORM_API_KEY;

  /** 32 bytes as base64 or 64 hex characters: AES-256-GCM key for tokens at rest. */
  @Matches(/^([A-Za-z0-9+/]{43}=|[0-9a-fA-F]{64})$/, {
    message: 'ENCRYPTION_KEY must be 32 bytes as base64 (44 chars) or hex (64 chars)',
  })
  ENCRYPTION_KEY: string = DEV_SECRETS.ENCRYPTION_KEY;

  /** The service's own public base URL, used in the webhook and dashboard app URLs it registers. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_URL = 'http://localhost:3000';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Largest accepted request body, in bytes (413 above it). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  /**
   * Largest accepted Chatwoot webhook delivery, in bytes. Email HTML makes deliveries of several
   * MB, and Chatwoot never resends one that was refused, so intake gets its own, larger limit.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  WEBHOOK_BODY_LIMIT_BYTES = 25 * 1024 * 1024;

  /** Run job workers in this process (turn off for API-only instances). */
  @Transform(toBool)
  @IsBoolean()
  JOBS_ENABLED = true;

  /** Run the cron ticks in this process (they only enqueue; safe on every instance). */
  @Transform(toBool)
  @IsBoolean()
  CRON_ENABLED = true;

  /** pg-boss polling interval in seconds (lower in tests). */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value)))
  @Min(0.5)
  JOBS_POLL_SECONDS = 2;

  /** Store accounts created per hour, across the service. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ACCOUNT_CREATION_PER_HOUR = 10;

  /** Accepted age of a Chatwoot webhook timestamp. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_MAX_AGE_SECONDS = 300;

  /** How often each store's recently changed conversations are read back from Chatwoot (missed webhooks). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_RECONCILE_SECONDS = 300;

  /**
   * Processing pace: stored webhook deliveries processed per Chatwoot account per minute, shared
   * fairly between stores. Not an intake limit: every verified delivery is stored and acknowledged.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_RATE_PER_MINUTE = 5000;

  /** Unprocessed webhook deliveries one store may have stored; intake answers 503 at this ceiling. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  WEBHOOK_BACKLOG_LIMIT = 250_000;

  /**
   * Chatwoot contact writes (create/update) per store per minute: the pace of contact syncs.
   * Syncs wait for it; nothing is refused because of it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CONTACT_SYNC_RATE_PER_MINUTE = 1000;

  /** Platform writes (customer, order, cart, product PUTs; bulk import items) accepted per store per minute (429 above). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PLATFORM_INGEST_RATE_PER_MINUTE = 60_000;

  /** Tracking batches accepted per IP per minute, and per store per minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  TRACKING_RATE_PER_IP_PER_MINUTE = 120;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  TRACKING_RATE_PER_STORE_PER_MINUTE = 20_000;

  /** Raw tracking events older than this are purged. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  TRACKING_RETENTION_DAYS = 90;

  /**
   * How long an order action waits for the store platform's answer; without one in time the
   * action stays `pending` and a job resends it with the same Idempotency-Key.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  ORDER_ACTION_TIMEOUT_MS = 5_000;

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }

  /** The origin agents' browsers load Chatwoot's dashboard from. */
  get chatwootFrontendOrigin(): string {
    return new URL(this.CHATWOOT_FRONTEND_URL ?? this.CHATWOOT_URL).origin;
  }

  get usesEmbeddedDatabase(): boolean {
    return !this.DATABASE_URL;
  }

  get encryptionKey(): Buffer {
    const raw = this.ENCRYPTION_KEY;
    return raw.length === 64 ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment into one typed object, listing every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const known = Object.keys(new AppConfig());
  const input = Object.fromEntries(Object.entries(env).filter(([key, value]) => known.includes(key) && value !== undefined));
  const config = plainToInstance(AppConfig, input);
  const problems = validateSync(config, { whitelist: false }).map(
    (error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`,
  );
  if (config.isProduction) {
    for (const [name, devValue] of Object.entries(DEV_SECRETS)) {
      if (!env[name] || env[name] === devValue) {
        problems.push(`${name}: must be set to a real secret when NODE_ENV=production`);
      }
    }
    if (!env.CHATWOOT_URL) problems.push('CHATWOOT_URL: must be set when NODE_ENV=production');
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL: must be set when NODE_ENV=production');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

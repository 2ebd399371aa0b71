import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_SECRETS, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('starts with nothing set, using development defaults and the embedded database', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.usesEmbeddedDatabase).toBe(true);
    expect(config.encryptionKey).toHaveLength(32);
  });

  it('converts numbers and booleans from strings', () => {
    const config = loadConfig({ PORT: '8080', JOBS_ENABLED: 'false', DATABASE_URL: 'postgres://u@h/db' });
    expect(config.PORT).toBe(8080);
    expect(config.JOBS_ENABLED).toBe(false);
    expect(config.usesEmbeddedDatabase).toBe(false);
  });

  it("takes Chatwoot's dashboard origin from CHATWOOT_FRONTEND_URL, defaulting to CHATWOOT_URL's origin", () => {
    expect(loadConfig({ CHATWOOT_URL: 'http://chatwoot-web:3000/some/path' }).chatwootFrontendOrigin).toBe(
      'http://chatwoot-web:3000',
    );
    const split = loadConfig({ CHATWOOT_URL: 'http://chatwoot-web:3000', CHATWOOT_FRONTEND_URL: 'https://chat.example.com/app' });
    expect(split.chatwootFrontendOrigin).toBe('https://chat.example.com');
    expect(() => loadConfig({ CHATWOOT_FRONTEND_URL: 'chat.example.com' })).toThrow(/CHATWOOT_FRONTEND_URL/);
  });

  it('waits 5 s for an order action answer unless ORDER_ACTION_TIMEOUT_MS says otherwise (100 ms to 60 s)', () => {
    expect(loadConfig({}).ORDER_ACTION_TIMEOUT_MS).toBe(5_000);
    expect(loadConfig({ ORDER_ACTION_TIMEOUT_MS: '800' }).ORDER_ACTION_TIMEOUT_MS).toBe(800);
    expect(() => loadConfig({ ORDER_ACTION_TIMEOUT_MS: '50' })).toThrow(/ORDER_ACTION_TIMEOUT_MS/);
    expect(() => loadConfig({ ORDER_ACTION_TIMEOUT_MS: 'soon' })).toThrow(/ORDER_ACTION_TIMEOUT_MS/);
  });

  it('lists every bad variable by name at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ENCRYPTION_KEY: 'short', CHATWOOT_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'ENCRYPTION_KEY', 'CHATWOOT_URL']));
  });

  it('refuses production with the development secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PLATFORM_API_KEY.*real secret/s);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        CHATWOOT_URL: 'https://chat.example.com',
        PUBLIC_URL: 'https://bridge.example.com',
        CHATWOOT_PLATFORM_TOKEN: 'prod-platform-token',
        PLATFORM_API_KEY: 'prod-platform-api-key-123',
        ENCRYPTION_KEY: DEV_SECRETS.ENCRYPTION_KEY,
      }),
    ).toThrow(/ENCRYPTION_KEY/);
  });

  it('accepts production with real secrets', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      CHATWOOT_URL: 'https://chat.example.com',
      PUBLIC_URL: 'https://bridge.example.com',
      CHATWOOT_PLATFORM_TOKEN: 'prod-platform-token',
      PLATFORM_API_KEY: 'prod-platform-api-key-123',
      ENCRYPTION_KEY: 'a'.repeat(64),
    });
    expect(config.isProduction).toBe(true);
    expect(config.encryptionKey.equals(Buffer.alloc(32, 0xaa))).toBe(true);
  });
});

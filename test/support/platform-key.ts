/** The platform API key every test and bench service is started with (kept free of vitest imports, for benches). */
export const PLATFORM_KEY = 'test-platform-api-key-0123456789';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TestApp } from '../../test/support/test-app';

/**
 * Starts `app` on a free port and returns the part of a TestApp that the test seeders
 * (test/support/seed-store.ts) use: `get` and `url`.
 */
export async function listenForSeeding(app: NestFastifyApplication): Promise<TestApp> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { get: (token: unknown) => app.get(token as never), url } as unknown as TestApp;
}

import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/app-config';
import { loggerOptions, REDACTED_PATHS } from './logger-options';

function capture(): { logger: pino.Logger; lines: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const options = loggerOptions(loadConfig({ LOG_LEVEL: 'info' })).pinoHttp as pino.LoggerOptions;
  return { logger: pino({ level: 'info', redact: options.redact }, stream), lines: () => out };
}

describe('log redaction', () => {
  it('never writes authorization headers, Chatwoot tokens or secrets', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer platform-key-123',
            api_access_token: 'cw-user-token',
            'x-chatwoot-signature': 'sha256=abc',
          },
        },
        link: { token: 'ctx-token-1', secret: 'whsec-1', adminToken: 'admin-1', hmacToken: 'hmac-1' },
      },
      'request',
    );
    const text = lines();
    for (const secret of ['platform-key-123', 'cw-user-token', 'sha256=abc', 'ctx-token-1', 'whsec-1', 'admin-1', 'hmac-1']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(REDACTED_PATHS).toContain('req.headers.authorization');
  });

  it('logs JSON lines with the request id field', () => {
    const { logger, lines } = capture();
    logger.info({ requestId: 'req-1' }, 'hello');
    expect(JSON.parse(lines().trim())).toMatchObject({ requestId: 'req-1', msg: 'hello', level: 30 });
  });
});

import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { isDatabaseUnavailable } from '../common/errors/service-unavailable';
import { MetricsService } from './metrics.service';

/**
 * Process-level last resorts, installed by `main.ts`. A library that does not await its own
 * promises (pg-boss 10.4 calls complete()/fail() without await in its worker loop, so a lost
 * database connection surfaces as an unhandled rejection) must not end the process: the
 * rejection is logged and counted and the service keeps running. An uncaught exception is
 * survived only when it is a lost database connection (an `error` event nobody listened to);
 * anything else leaves the process in an unknown state, so it is logged and the process exits.
 */
export function installProcessGuards(app: INestApplication, exit: (code: number) => void = (code) => process.exit(code)): void {
  const logger = app.get(Logger);
  const counter = app
    .get(MetricsService)
    .counter('process_unhandled_errors_total', 'Unhandled rejections and exceptions caught at process level', [
      'kind',
      'survived',
    ]);
  process.on('unhandledRejection', (reason: unknown) => {
    counter.inc({ kind: 'rejection', survived: 'true' });
    logger.error(
      { err: reason, databaseUnavailable: isDatabaseUnavailable(reason) },
      'unhandled promise rejection (kept running)',
    );
  });
  process.on('uncaughtException', (error: Error) => {
    if (isDatabaseUnavailable(error)) {
      counter.inc({ kind: 'exception', survived: 'true' });
      logger.error({ err: error }, 'database connection lost outside any request (kept running)');
      return;
    }
    counter.inc({ kind: 'exception', survived: 'false' });
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    exit(1);
  });
}

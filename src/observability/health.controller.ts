import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { JobQueue } from '../jobs/job-queue.service';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly jobs: JobQueue,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and readiness: database and job queue' })
  async check(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      return await this.checkAll();
    } catch (error) {
      // Terminus's own report names what is down (`error.database`, `error.queue`); the app's error
      // filter would flatten it to {statusCode, code, message}.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse();
    }
  }

  private checkAll() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async () => {
        const queue = this.indicators.check('queue');
        return (await this.jobs.isHealthy()) ? queue.up() : queue.down({ message: 'job queue is not running' });
      },
    ]);
  }
}

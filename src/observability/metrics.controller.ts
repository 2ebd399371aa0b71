import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: HTTP, jobs, Chatwoot calls, business counters, process' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4 (scrape it; ops/ has a Grafana dashboard and alert rules for it)',
    content: {
      'text/plain': {
        schema: { type: 'string' },
        example:
          '# HELP http_request_duration_seconds HTTP request duration by method, route and status\n' +
          '# TYPE http_request_duration_seconds histogram\n' +
          'http_request_duration_seconds_count{method="PUT",route="/v1/stores/:storeId",status="202"} 3\n',
      },
    },
  })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

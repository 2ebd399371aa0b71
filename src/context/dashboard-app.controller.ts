import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DashboardAppPage, type StaticAsset } from './dashboard-app.page';

function send(reply: FastifyReply, asset: StaticAsset): void {
  void reply.headers(asset.headers).send(asset.body);
}

/** Serves the dashboard app Chatwoot frames in the conversation view. */
@ApiTags('dashboard-app')
@Controller('dashboard-app')
export class DashboardAppController {
  constructor(private readonly page: DashboardAppPage) {}

  @Get()
  @ApiOperation({
    summary: 'The Chatwoot dashboard app (HTML)',
    description:
      'Framed by Chatwoot only (CSP frame-ancestors). The page reads `token` from its URL and calls /v1/context with it.',
  })
  @ApiQuery({
    name: 'token',
    required: false,
    description: 'The per-store context token (read by the page script, not the server)',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } })
  html(@Res() reply: FastifyReply): void {
    send(reply, this.page.html());
  }

  @Get('app.js')
  @ApiExcludeEndpoint()
  script(@Res() reply: FastifyReply): void {
    send(reply, this.page.js());
  }

  @Get('app.css')
  @ApiExcludeEndpoint()
  style(@Res() reply: FastifyReply): void {
    send(reply, this.page.css());
  }
}

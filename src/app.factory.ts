import helmet from '@fastify/helmet';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { enforceJsonInput } from './common/http/json-input-policy';
import { RawRoutes, requestIdOf } from './common/http/raw-routes';
import { honourRouteBodyLimits } from './common/http/route-body-limit';
import { VALIDATION_PIPE_OPTIONS } from './common/http/validation-pipe-options';
import type { AppConfig } from './config/app-config';
import { registerHttpMetrics } from './observability/http-metrics';
import { QuietStartupLogger } from './observability/logger-options';
import { MetricsService } from './observability/metrics.service';
import { RequestLog } from './observability/request-log';
import { buildOpenApiDocument } from './openapi';

/** Builds the whole HTTP application; `main.ts` and the tests share it. */
export interface CreateAppOptions {
  /** Extra modules mounted beside the app's own (tests use it for probe endpoints). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  imports?: Function[];
}

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  // Raw routes (the webhook intake) answer on the HTTP server before Fastify sees the request.
  // The server is made before Nest knows its providers, so the listener looks them up late.
  const late: { rawRoutes?: RawRoutes } = {};
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: true,
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => {
      const id = requestIdOf(req);
      (req as IncomingMessage & { id?: string }).id = id;
      return id;
    },
    serverFactory: (
      fastifyHandler: RequestListener,
      options: { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number },
    ) => {
      const server = createServer((req, res) => {
        if (!late.rawRoutes?.dispatch(req, res)) fastifyHandler(req, res);
      });
      // What Fastify sets on a server it makes itself.
      if (options.keepAliveTimeout) server.keepAliveTimeout = options.keepAliveTimeout;
      if (options.requestTimeout) server.requestTimeout = options.requestTimeout;
      if (options.connectionTimeout) server.setTimeout(options.connectionTimeout);
      return server;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.imports), adapter, {
    bufferLogs: true,
  });
  late.rawRoutes = app.get(RawRoutes);
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  honourRouteBodyLimits(fastify);
  enforceJsonInput(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  registerHttpMetrics(fastify, app.get(MetricsService));
  app.get(RequestLog).register(fastify);

  await app.register(helmet, {
    // The dashboard app is framed by Chatwoot and tracker.js is loaded by storefronts:
    // those routes set their own frame-ancestors / CORS; the JSON API needs no CSP.
    contentSecurityPolicy: false,
    frameguard: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginOpenerPolicy: false,
  });
  app.enableCors({ origin: true, credentials: false, maxAge: 600 });

  app.useGlobalPipes(new ValidationPipe(VALIDATION_PIPE_OPTIONS));
  app.useGlobalFilters(new AllExceptionsFilter());

  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

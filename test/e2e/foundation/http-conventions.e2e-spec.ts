import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformAuth } from '../../../src/common/auth/platform-auth.decorator';
import { startTestApp, type TestApp } from '../../support/test-app';

class ProbeDto {
  @ApiProperty()
  @IsString()
  name: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(10)
  count: number;
}

@Controller('probe')
class ProbeController {
  @Post()
  @PlatformAuth()
  echo(@Body() body: ProbeDto) {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('database password is hunter2');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('HTTP conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ imports: [ProbeModule], env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => t?.close());

  it('accepts a valid body', async () => {
    const res = await t.request('POST', '/probe', { body: { name: 'a', count: 2 } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'a', count: 2 });
  });

  it('rejects invalid fields with 400 and the one error shape naming the field', async () => {
    const res = await t.request('POST', '/probe', { body: { name: 5, count: 11 }, headers: { 'x-request-id': 'abc-123' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: 'abc-123' });
    expect(res.body.message).toMatch(/name must be a string/);
    expect(res.body.message).toMatch(/count must not be greater than 10/);
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('rejects unknown fields', async () => {
    const res = await t.request('POST', '/probe', { body: { name: 'a', count: 1, admin: true } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/property admin should not exist/);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await t.request('POST', '/probe', { payload: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
    expect(typeof res.body.requestId).toBe('string');
  });

  it('answers an oversized body with 413', async () => {
    const res = await t.request('POST', '/probe', { body: { name: 'x'.repeat(5000), count: 1 } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('requires the platform key, compared exactly', async () => {
    expect((await t.request('POST', '/probe', { body: { name: 'a', count: 1 }, auth: null })).status).toBe(401);
    const wrong = await t.request('POST', '/probe', { body: { name: 'a', count: 1 }, auth: 'test-platform-api-key-012345678X' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('UNAUTHORIZED');
  });

  it('hides internal error details behind a 500 with a request id', async () => {
    const res = await t.request('GET', '/probe/boom');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(res.text).not.toContain('hunter2');
  });

  it('answers unknown routes with 404 in the same shape', async () => {
    const res = await t.request('GET', '/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('sets security headers and a request id', async () => {
    const res = await t.request('GET', '/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports database and queue health', async () => {
    const res = await t.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body.info).toMatchObject({ database: { status: 'up' }, queue: { status: 'up' } });
  });

  it('exposes Prometheus metrics including HTTP durations by route and status', async () => {
    await t.request('POST', '/probe', { body: { name: 'a', count: 1 } });
    const res = await t.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/probe",status="201"\} [1-9]/);
    expect(res.text).toContain('process_cpu_seconds_total');
  });

  it('serves Swagger UI and the OpenAPI document', async () => {
    const ui = await t.request('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const doc = await t.request('GET', '/docs-json');
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/probe'].post.security).toEqual([{ platform: [] }]);
  });
});

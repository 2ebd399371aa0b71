import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/openapi';
import { startTestApp, type TestApp } from '../support/test-app';

const FILE = 'openapi.json';

/** The OpenAPI document is an artifact: committed, and this test fails when code and file disagree. */
describe('committed OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('matches the code (run `npm run openapi` to refresh it)', () => {
    const generated = `${JSON.stringify(buildOpenApiDocument(t.app), null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(FILE, generated);
    expect(existsSync(FILE), `${FILE} is missing: run npm run openapi`).toBe(true);
    expect(readFileSync(FILE, 'utf8')).toBe(generated);
  });

  it('documents every route with an operation summary and the error shape', () => {
    const doc = buildOpenApiDocument(t.app);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, { summary?: string }>)) {
        expect(operation.summary, `${method.toUpperCase()} ${path} has no summary`).toBeTruthy();
      }
    }
    expect(doc.components?.schemas?.ErrorResponseDto).toBeDefined();
  });
});

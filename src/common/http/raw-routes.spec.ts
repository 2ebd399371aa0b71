import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { RawRoutes, requestIdOf, type RawRoute } from './raw-routes';

const request = (method: string, url: string, headers: Record<string, string> = {}) =>
  ({ method, url, headers }) as unknown as IncomingMessage;
const response = {} as ServerResponse;

describe('RawRoutes', () => {
  it('gives a request to the first route that matches it', () => {
    const routes = new RawRoutes();
    const hook: RawRoute = { matches: (req) => req.method === 'POST' && req.url === '/hook', handle: vi.fn() };
    const other: RawRoute = { matches: () => true, handle: vi.fn() };
    routes.add(hook);
    routes.add(other);

    expect(routes.dispatch(request('POST', '/hook'), response)).toBe(true);
    expect(hook.handle).toHaveBeenCalledTimes(1);
    expect(other.handle).not.toHaveBeenCalled();

    expect(new RawRoutes().dispatch(request('GET', '/hook'), response)).toBe(false);
  });

  it('leaves a request no route matches to the framework, untouched', () => {
    const routes = new RawRoutes();
    const hook: RawRoute = { matches: (req) => req.method === 'POST', handle: vi.fn() };
    routes.add(hook);
    expect(routes.dispatch(request('GET', '/hook'), response)).toBe(false);
    expect(hook.handle).not.toHaveBeenCalled();
  });

  it('merges the OpenAPI paths and models the routes describe', () => {
    const routes = new RawRoutes();
    class AckDto {}
    routes.add({ matches: () => false, handle: vi.fn(), openApiPaths: { '/a': {} }, openApiModels: [AckDto] });
    routes.add({ matches: () => false, handle: vi.fn(), openApiPaths: { '/b': {} } });
    expect(Object.keys(routes.openApiPaths())).toEqual(['/a', '/b']);
    expect(routes.openApiModels()).toEqual([AckDto]);
  });
});

describe('requestIdOf', () => {
  it("keeps a sane caller's id and replaces anything else", () => {
    expect(requestIdOf(request('GET', '/', { 'x-request-id': 'abc-123' }))).toBe('abc-123');
    const replaced = requestIdOf(request('GET', '/', { 'x-request-id': 'bad id\n' }));
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf(request('GET', '/'))).not.toBe(replaced);
  });
});

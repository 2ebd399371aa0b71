import axe from 'axe-core';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page, Route } from 'playwright-core';
import type { FakeChatwoot } from '../fake-chatwoot';

/**
 * Stands in for Chatwoot's DashboardApp/Frame.vue: frames the app and answers its fetch-info
 * request (and the iframe's load) with `JSON.stringify({event: 'appContext', data})`, target '*'.
 * `frameWidth` is the sidebar width the agent gave the panel (CSS value).
 */
export function hostPage(appUrl: string, context: unknown, frameWidth = '380px'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chatwoot (host)</title>
<style>body{margin:0;font-family:sans-serif} iframe{width:${frameWidth};height:1500px;border:0;border-left:1px solid #ccc;display:block}</style></head>
<body><iframe id="app" title="Customer context" src="${appUrl}"></iframe>
<script>
  window.fetchInfoRequests = 0;
  var frame = document.getElementById('app');
  var context = ${JSON.stringify(JSON.stringify({ event: 'appContext', data: context }))};
  function send() { frame.contentWindow.postMessage(context, '*'); }
  frame.addEventListener('load', send);
  window.addEventListener('message', function (event) {
    if (event.data === 'chatwoot-dashboard-app:fetch-info') { window.fetchInfoRequests++; send(); }
  });
</script></body></html>`;
}

/** One origin that is "Chatwoot" for the app: serves the host pages and forwards the API to the fake. */
export async function startChatwootProxy(
  fake: FakeChatwoot,
  pages: Map<string, string>,
): Promise<{ server: Server; url: string }> {
  const target = new URL(fake.url);
  const server = createServer((req, res) => {
    const page = pages.get(req.url ?? '');
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The panel's frame inside the host page (the one serving /dashboard-app). */
export async function panelFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().includes('/dashboard-app'));
    if (frame) return frame;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the dashboard app frame did not load');
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe-core run inside the panel's frame. The source is evaluated through the DevTools protocol,
 * which the page's CSP (script-src 'self') does not govern. Returns the serious and critical
 * violations, and the ids of the rules that passed (so a test can see the contrast rule ran).
 */
export async function runAxe(frame: Frame): Promise<{ violations: AxeViolation[]; passed: string[] }> {
  await frame.evaluate(axe.source);
  const result = await frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<any> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations', 'passes'] });
    return {
      violations: r.violations.map((v: any) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n: any) => ({ target: n.target, failureSummary: n.failureSummary })),
      })),
      passed: r.passes.map((p: any) => p.id),
    };
  });
  return {
    violations: (result.violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    passed: result.passed as string[],
  };
}

/** Holds matching requests until released: for looking at the panel while a request is in flight. */
export function gate(): { wait: Promise<void>; release: () => void } {
  let release!: () => void;
  const wait = new Promise<void>((resolve) => (release = resolve));
  return { wait, release };
}

export type { Route };

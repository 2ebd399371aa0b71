import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/test-app';

/** Metric names in a PromQL expression: identifiers that are not functions, keywords or grouping labels. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without)\s*\([^)]*\)/g, '');
  const words = [...bare.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)].map((m) => m[1]);
  return words
    .filter((word) => !['and', 'or', 'unless', 'bool', 'offset'].includes(word))
    .map((name) => name.replace(/_(bucket|count|sum)$/, ''));
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync('ops/grafana-dashboard.json', 'utf8')) as {
    panels: Array<{ targets: Array<{ expr: string }> }>;
  };
  return dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
}

function alertExpressions(): string[] {
  // The rules file is plain YAML with `expr:` scalars, single-line or `|` blocks.
  const lines = readFileSync('ops/prometheus-alerts.yml', 'utf8').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)expr:\s*(.*)$/.exec(lines[i]);
    if (!match) continue;
    if (match[2] !== '|') {
      out.push(match[2]);
      continue;
    }
    const block: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1].startsWith(`${match[1]}  `) || lines[i + 1].trim() === ''))
      block.push(lines[++i]);
    out.push(block.join('\n'));
  }
  return out;
}

describe('ops/ kit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('names only metrics the real app exports on /metrics', async () => {
    const res = await t.request('GET', '/metrics');
    const exported = new Set([...res.text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const expressions = [...dashboardExpressions(), ...alertExpressions()];
    expect(expressions.length).toBeGreaterThan(20);
    const named = new Set(expressions.flatMap(metricNames));
    for (const needed of [
      'webhook_deliveries_total',
      'chatwoot_circuit_open',
      'chatwoot_retries_total',
      'notifications_total',
      'jobs_processed_total',
    ]) {
      expect(named.has(needed), `${needed} is not watched`).toBe(true);
    }
    const missing = [...named].filter((name) => !exported.has(name));
    expect(missing).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { TrackerScriptService } from './tracker-script.service';

const source = readFileSync(join(__dirname, 'public', 'tracker.js'), 'utf8');

function print(target: ts.ScriptTarget): string {
  return ts.transpileModule(source, {
    compilerOptions: { target, module: ts.ModuleKind.None, allowJs: true, removeComments: true },
    fileName: 'tracker.js',
  }).outputText;
}

describe('tracker.js', () => {
  it('uses no syntax newer than ES2017 (down-levelling to ES2017 changes nothing)', () => {
    const es2017 = print(ts.ScriptTarget.ES2017);
    expect(es2017).toBe(print(ts.ScriptTarget.ESNext));
    // Prove the check bites: optional chaining is ES2020 and must be rewritten.
    const probe = (target: ts.ScriptTarget) =>
      ts.transpileModule('var a = window.x?.y;', { compilerOptions: { target, module: ts.ModuleKind.None } }).outputText;
    expect(probe(ts.ScriptTarget.ES2017)).not.toBe(probe(ts.ScriptTarget.ESNext));
  });

  it('has no syntax errors', () => {
    const file = ts.createSourceFile('tracker.js', source, ts.ScriptTarget.ES2017, true, ts.ScriptKind.JS);
    expect((file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
  });

  it('is served with the public URL injected', () => {
    const served = new TrackerScriptService({ PUBLIC_URL: 'https://bridge.example/' } as AppConfig).body;
    expect(served).toContain(`var PUBLIC_URL = "https://bridge.example";`);
    expect(served).not.toContain('__CHATWOOT_BRIDGE_PUBLIC_URL__');
  });
});

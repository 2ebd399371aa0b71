import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The one version number: package.json's, read once. The banner and the OpenAPI document use it.
 * `src/version.ts` and `dist/version.js` both sit one folder below package.json.
 */
export const SERVICE_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

import { readFileSync } from 'node:fs';
import { packageFile } from './core/package-files.js';

export const EDGEFORM_VERSION: string = (
  JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }
).version;

/** The rules of the shipped config/default.yaml, for the proof scripts that run the appliance as shipped. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** Its `rules` as written there, found above this module (src/harness/ or dist/src/harness/). */
export function defaultRules(): unknown[] {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'config', 'default.yaml');
    if (existsSync(file)) {
      const doc = parseYaml(readFileSync(file, 'utf8')) as { rules?: unknown };
      return Array.isArray(doc.rules) ? doc.rules : [];
    }
  }
  throw new Error(`config/default.yaml not found above ${path.dirname(fileURLToPath(import.meta.url))}`);
}

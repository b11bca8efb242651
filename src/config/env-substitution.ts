/**
 * `${NAME}` in any YAML string value is replaced by the environment variable NAME (`$${` escapes a literal `${`).
 * A missing variable is a config error with its path, never an empty string. Runs on the parsed YAML tree, so a
 * secret can never change the document's structure.
 */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (whole, name: string | undefined) => {
      if (name === undefined) return '${';
      const v = env[name];
      if (v === undefined) {
        problems.push(`${path.join('.') || '(root)'}: environment variable ${name} is not set`);
        return whole;
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, problems, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, problems, [...path, k]);
    return out;
  }
  return value;
}

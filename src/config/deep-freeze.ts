/** Freezes a compiled config tree. Buffers (TLS material) are left as they are: typed arrays cannot be frozen. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

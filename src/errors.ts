/** One error base with a stable string code; expected failures (a bad syslog line) are values, not exceptions. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The configuration is invalid; `problems` lists every fault with its path. */
export class ConfigError extends AppError {
  constructor(
    readonly problems: readonly string[],
    readonly file?: string,
  ) {
    super('CONFIG_INVALID', `${file ? `${file}: ` : ''}invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** A socket could not be bound (port in use, privileged port without the capability, bad address). */
export class BindError extends AppError {
  constructor(
    message: string,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super('BIND_FAILED', message, options);
  }
}

/** The HTTP service's settings from the environment (each variable is listed in CONFIG_VARIABLES). */
export interface ServiceConfig {
  readonly host: string;
  /** 0 lets the system pick a free port (the printed URL shows which). */
  readonly port: number;
  readonly logLevel: string;
  readonly readyMaxLag: number;
  /** Run the Kafka publisher inside the service as well. */
  readonly publishKafka: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] || 'false').toLowerCase();
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name} must be true or false, not "${env[name]}"`);
  return raw === 'true';
}

export function serviceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const logLevel = (env.LEDGER_LOG_LEVEL || 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LEDGER_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${env.LEDGER_LOG_LEVEL}"`);
  return {
    host: env.LEDGER_HTTP_HOST || '127.0.0.1',
    port: integer(env, 'LEDGER_HTTP_PORT', 8080, 0, 65535),
    logLevel,
    readyMaxLag: integer(env, 'LEDGER_READY_MAX_LAG', 1000, 0, 1_000_000_000),
    publishKafka: flag(env, 'LEDGER_PUBLISH_KAFKA'),
  };
}

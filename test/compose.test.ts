/**
 * docker-compose.yml cannot run here, so this checks what can drift without anyone noticing: every variable
 * the compose file sets for the ledger's own services is one the code reads (CONFIG_VARIABLES), the ones each
 * service needs are set, and the values pass the same parsers the code uses at start-up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, notificationConfig, storeConfig } from '../src/config';

interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
}

const compose = parse(readFileSync(join(process.cwd(), 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};

/** Both compose forms (map and KEY=VALUE list), with ${NAME:-default} resolved to its default. */
function environmentOf(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: [string, string][] = Array.isArray(raw)
    ? raw.map((line) => {
        const eq = line.indexOf('=');
        return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(raw).map(([name, value]) => [name, value === null ? '' : String(value)]);
  return Object.fromEntries(entries.map(([name, value]) => [name, value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1')]));
}

const LEDGER_SERVICES = ['ledger', 'publisher'] as const;

describe('docker-compose.yml', () => {
  it('defines KurrentDB, Kafka, the ledger and the publisher', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['kurrentdb', 'kafka', 'ledger', 'publisher']));
    expect(compose.services.ledger!.command).toEqual(['node', 'bin/sanctions-ledger.mjs', 'start']);
    expect(compose.services.publisher!.command).toEqual(['node', 'bin/sanctions-ledger.mjs', 'publish']);
  });

  for (const name of LEDGER_SERVICES) {
    it(`sets only variables of CONFIG_VARIABLES for ${name}`, () => {
      const unknown = Object.keys(environmentOf(compose.services[name]!)).filter((v) => !(v in CONFIG_VARIABLES));
      expect(unknown, `not in CONFIG_VARIABLES (src/config.ts): ${unknown.join(', ')}`).toEqual([]);
    });

    it(`points ${name} at the compose KurrentDB with a valid store configuration`, () => {
      const env = environmentOf(compose.services[name]!);
      const config = storeConfig(env);
      expect(config.kind).toBe('esdb');
      expect(new URL(config.esdbUrl!).hostname).toBe('kurrentdb');
      expect(Object.keys(compose.services[name]!.depends_on ?? {})).toContain('kurrentdb');
    });
  }

  it('configures the publisher completely: brokers of the compose Kafka, topic, partitions, checkpoint on a volume', () => {
    const service = compose.services.publisher!;
    const env = environmentOf(service);
    for (const needed of ['KAFKA_BROKERS', 'LEDGER_KAFKA_TOPIC', 'LEDGER_KAFKA_PARTITIONS', 'LEDGER_PUBLISHER_DB']) {
      expect(env, needed).toHaveProperty(needed);
    }
    const config = notificationConfig(env);
    expect(config.brokers.map((b) => b.split(':')[0])).toEqual(['kafka']);
    expect(config.topic).toBe('sanctions.changes');
    expect(config.partitions).toBe(6);
    // The checkpoint must survive a container restart, or the publisher would start over from the beginning.
    const mounts = (service.volumes ?? []).map((v) => v.split(':'));
    const dir = config.checkpointPath.slice(0, config.checkpointPath.lastIndexOf('/'));
    const mount = mounts.find(([, target]) => target === dir);
    expect(mount, `a volume mounted at ${dir}`).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(mount![0]);
    expect(Object.keys(service.depends_on ?? {})).toContain('kafka');
  });
});

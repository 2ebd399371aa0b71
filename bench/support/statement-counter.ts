import { Client } from 'pg';

/**
 * Counts SQL statements sent by every pg client in this process (TypeORM's pool, the raw pool the
 * delivery repository uses, pg-boss's pool): `Client.prototype.query` is where each of them,
 * pooled or not, hands a statement to the server. BEGIN/COMMIT are statements too and counted.
 */
export function countStatements(): { read(): number; stop(): void } {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let count = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  return {
    read: () => count,
    stop: () => {
      proto.query = original;
    },
  };
}

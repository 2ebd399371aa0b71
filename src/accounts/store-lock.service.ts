import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConflictError } from '../common/errors/domain-error';

const POLL_MS = 100;

/**
 * One writer per store's Chatwoot account across every instance: provisioning, propagation,
 * rotation, repair and deletion read-modify-write the same link row and the same Chatwoot
 * objects. A PostgreSQL session advisory lock dies with its connection, so a crashed process
 * never leaves a store locked.
 */
@Injectable()
export class StoreLock {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(storeId: string, fn: () => Promise<T>, waitMs = 60_000): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const key = `accounts:${storeId}`;
    try {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const [row] = (await runner.query('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [key])) as {
          locked: boolean;
        }[];
        if (row.locked) break;
        if (Date.now() > deadline) {
          throw new ConflictError(`Store ${storeId} is busy with another Chatwoot operation; try again shortly`, 'STORE_BUSY');
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      try {
        return await fn();
      } finally {
        await runner.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
    } finally {
      await runner.release();
    }
  }
}

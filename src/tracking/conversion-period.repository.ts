import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from '../database/sql';

/** Calendar arithmetic in PostgreSQL (its time zone rules), no table and no store involved. */
@Injectable()
export class ConversionPeriodRepository {
  constructor(private readonly db: DataSource) {}

  /** The instants where local day `from` begins and local day `to` ends in `timezone`. */
  async bounds(from: string, to: string, timezone: string): Promise<{ start: Date; end: Date }> {
    const [bounds] = await rowsOf<{ start: Date; end: Date }>(
      this.db,
      `select ($1::date)::timestamp at time zone $3 as start, ($2::date + 1)::timestamp at time zone $3 as end`,
      [from, to, timezone],
    );
    return bounds;
  }
}

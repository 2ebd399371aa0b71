import type { MigrationInterface } from 'typeorm';

/** What a feature module declares about its tables. */
export interface ModuleSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  migrations: (new () => MigrationInterface)[];
}

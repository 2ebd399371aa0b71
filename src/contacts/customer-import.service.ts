import { Injectable } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import pLimit from 'p-limit';
import { validate, type ValidationError } from 'class-validator';
import { StoreDirectory } from '../accounts/store-directory.service';
import { DomainError, InvalidRequestError } from '../common/errors/domain-error';
import { CustomerIngestionService } from './customer-ingestion.service';
import {
  IMPORT_MAX_ITEMS,
  ImportCustomerDto,
  ImportOrderDto,
  type ImportFieldErrorDto,
  type ImportItemResultDto,
  type ImportRequestDto,
  type ImportResultDto,
} from './dto/import.dto';
import type { IngestResultDto } from './dto/ingest-result.dto';

/** Records of one import written at once; each is its own small transaction, as with the PUTs. */
const IMPORT_CONCURRENCY = 4;

/**
 * Bulk import: many customers and orders in one request. Each record is validated with the DTO
 * of its single PUT and written through the same ingestion path, so newest-wins, events and
 * contact syncs are exactly those of the PUTs; a bad record is reported, the others still apply.
 */
@Injectable()
export class CustomerImportService {
  constructor(
    private readonly directory: StoreDirectory,
    private readonly ingestion: CustomerIngestionService,
  ) {}

  async import(storeId: string, body: ImportRequestDto): Promise<ImportResultDto> {
    const customers = body.customers ?? [];
    const orders = body.orders ?? [];
    if (customers.length + orders.length > IMPORT_MAX_ITEMS) {
      throw new InvalidRequestError(
        `An import holds at most ${IMPORT_MAX_ITEMS} customers and orders together`,
        'IMPORT_TOO_LARGE',
      );
    }
    await this.directory.get(storeId);
    // Customers first: their orders may arrive in the same import.
    const customerResults = await mapPool(customers, (item, index) =>
      this.one(ImportCustomerDto, item, index, 'customerId', ({ customerId, ...dto }) =>
        this.ingestion.upsertCustomer(storeId, customerId, dto),
      ),
    );
    const orderResults = await mapPool(orders, (item, index) =>
      this.one(ImportOrderDto, item, index, 'orderId', ({ orderId, ...dto }) =>
        this.ingestion.upsertOrder(storeId, orderId, dto),
      ),
    );
    const all = [...customerResults, ...orderResults];
    const count = (result: string) => all.filter((r) => r.result === result).length;
    return {
      customers: customerResults,
      orders: orderResults,
      applied: count('applied'),
      stale: count('stale'),
      invalid: count('invalid'),
    };
  }

  private async one<T extends object>(
    type: ClassConstructor<T>,
    item: Record<string, unknown>,
    index: number,
    idField: keyof T & string,
    write: (dto: T) => Promise<IngestResultDto>,
  ): Promise<ImportItemResultDto> {
    const rawId = item[idField];
    const id = typeof rawId === 'string' && rawId.length > 0 && rawId.length <= 200 ? rawId : undefined;
    const dto = plainToInstance(type, item, { enableImplicitConversion: false });
    // The same options as the global ValidationPipe.
    const problems = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (problems.length > 0) return { index, id, result: 'invalid', errors: flatten(problems) };
    try {
      const outcome = await write(dto);
      return { index, id, result: outcome.applied ? 'applied' : 'stale' };
    } catch (error) {
      // What a single PUT would answer with a 4xx (e.g. a record the store refuses) is this record's result.
      if (error instanceof DomainError && error.statusCode < 500) {
        return { index, id, result: 'invalid', errors: [{ field: idField, message: error.message }] };
      }
      throw error;
    }
  }
}

function flatten(errors: ValidationError[], prefix = ''): ImportFieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function mapPool<T, R>(items: T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limit = pLimit(IMPORT_CONCURRENCY);
  return Promise.all(items.map((item, index) => limit(() => work(item, index))));
}

import { Injectable } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The one Prometheus registry. Modules get-or-create their instruments here, so `/metrics`
 * shows every module and job without each of them wiring an endpoint.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly instruments = new Map<string, Counter | Gauge | Histogram>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.getOrCreate(name, () => new Counter({ name, help, labelNames, registers: [this.registry] }));
  }

  gauge<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.getOrCreate(name, () => new Gauge({ name, help, labelNames, registers: [this.registry] }));
  }

  histogram<L extends string = string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  ): Histogram<L> {
    return this.getOrCreate(name, () => new Histogram({ name, help, labelNames, buckets, registers: [this.registry] }));
  }

  private getOrCreate<T extends Counter | Gauge | Histogram>(name: string, create: () => T): T {
    let instrument = this.instruments.get(name);
    if (!instrument) {
      instrument = create();
      this.instruments.set(name, instrument);
    }
    return instrument as T;
  }
}

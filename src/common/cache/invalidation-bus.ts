import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisService } from '../redis/redis.service';

const CHANNEL = 'bridge:cache-invalidation';

interface Envelope {
  origin: string;
  topic: string;
  payload: string;
}

/**
 * Tells every instance's in-process caches that something changed. A domain event reaches one
 * instance (one worker takes the job); what it invalidates must be dropped everywhere. Emitting
 * applies the handler here at once and, with REDIS_URL, on every other instance through Redis
 * pub/sub. Without Redis there is one cache to drop and the TTLs bound the rest.
 */
@Injectable()
export class InvalidationBus {
  private readonly origin = randomUUID();
  private readonly handlers = new Map<string, (payload: string) => void>();

  constructor(private readonly redis: RedisService) {
    redis.subscribe(CHANNEL, (message) => this.receive(message));
  }

  /** One handler per topic (the cache that owns it). */
  on(topic: string, handler: (payload: string) => void): void {
    this.handlers.set(topic, handler);
  }

  async emit(topic: string, payload: string): Promise<void> {
    this.handlers.get(topic)?.(payload);
    const envelope: Envelope = { origin: this.origin, topic, payload };
    await this.redis.publish(CHANNEL, JSON.stringify(envelope));
  }

  private receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === this.origin) return; // applied when emitted
    this.handlers.get(envelope.topic)?.(envelope.payload);
  }
}

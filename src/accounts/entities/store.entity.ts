import { Check, Column, CreateDateColumn, Entity, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ChatwootAccountLink } from './chatwoot-account-link.entity';

export interface StoreBranding {
  color?: string;
  welcomeTitle?: string;
  welcomeTagline?: string;
}

/**
 * Per-store settings, each module reading its own part with defaults (see the module's
 * `*.settings.ts`). Stored as one JSON document so a new setting needs no migration.
 */
export type StoreSettings = Record<string, unknown>;

export type StoreStatus = 'active' | 'suspended';

/** A store of the e-commerce platform, as the platform last described it. */
@Check('stores_status_check', `status in ('active', 'suspended')`)
@Entity('stores')
export class Store {
  /** The platform's own store id. */
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  slug: string;

  @Column('text')
  email: string;

  @Column('text')
  websiteUrl: string;

  @Column('text')
  locale: string;

  @Column('text')
  timezone: string;

  @Column('text')
  currency: string;

  @Column('text')
  status: StoreStatus;

  @Column('jsonb', { default: {} })
  branding: StoreBranding;

  @Column('text', { nullable: true })
  notificationUrl: string | null;

  /** Key for signing what we POST to `notificationUrl` (encrypted). */
  @Column('text', { nullable: true })
  notificationSecretEnc: string | null;

  @Column('jsonb', { default: {} })
  settings: StoreSettings;

  /** Where order actions from the panel are POSTed, signed with the notification secret. */
  @Column('text', { nullable: true })
  actionUrl: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @OneToOne('ChatwootAccountLink', (link: ChatwootAccountLink) => link.store)
  chatwoot?: ChatwootAccountLink;
}

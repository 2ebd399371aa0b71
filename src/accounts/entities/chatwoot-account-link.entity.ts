import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { StoreWarning } from '../webhook-target';
import type { Store } from './store.entity';

export type ChatwootAccountState = 'pending' | 'provisioning' | 'active' | 'suspended' | 'failed' | 'deleting' | 'deleted';

/** `running`: started at least once, so Chatwoot may hold its object even if we never recorded it. */
export type ProvisioningStepState = 'pending' | 'running' | 'done' | 'failed';

export interface ProvisioningStep {
  name: string;
  state: ProvisioningStepState;
  error?: string;
  at?: string;
}

export interface StoreTeams {
  managers?: number;
  vip?: number;
}

/**
 * A store's Chatwoot account and everything provisioning created in it. Columns ending in
 * `Enc` hold secrets sealed by {@link SecretBox}; they never leave the service in a response.
 */
@Check('chatwoot_accounts_state_check', `state in ('pending','provisioning','active','suspended','failed','deleting','deleted')`)
@Entity('chatwoot_accounts')
export class ChatwootAccountLink {
  @PrimaryColumn('text')
  storeId: string;

  @OneToOne('Store', (store: Store) => store.chatwoot, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'store_id', foreignKeyConstraintName: 'chatwoot_accounts_store_id_fkey' })
  store?: Store;

  @Column('text')
  state: ChatwootAccountState;

  @Column('int', { nullable: true, unique: true })
  accountId: number | null;

  @Column('int', { nullable: true })
  adminUserId: number | null;

  @Column('text', { nullable: true })
  adminEmail: string | null;

  @Column('text', { nullable: true })
  adminTokenEnc: string | null;

  @Column('int', { nullable: true })
  inboxId: number | null;

  /** Public by nature: it is in the widget snippet on the storefront. */
  @Column('text', { nullable: true, unique: true })
  websiteToken: string | null;

  @Column('text', { nullable: true })
  hmacTokenEnc: string | null;

  @Column('int', { nullable: true })
  webhookId: number | null;

  @Column('text', { nullable: true })
  webhookSecretEnc: string | null;

  @Column('int', { nullable: true })
  dashboardAppId: number | null;

  /** The per-store context token embedded in the dashboard app URL (sealed) and its lookup hash. */
  @Column('text', { nullable: true })
  contextTokenEnc: string | null;

  @Column('text', { nullable: true, unique: true })
  contextTokenHash: string | null;

  @Column('jsonb', { default: {} })
  teams: StoreTeams;

  @Column('jsonb', { default: [] })
  steps: ProvisioningStep[];

  @Column('text', { nullable: true })
  lastError: string | null;

  /** Problems provisioning found that do not stop it (e.g. a webhook target Chatwoot refuses). */
  @Column('jsonb', { default: [] })
  warnings: StoreWarning[];

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProvisioningStepDto {
  @ApiProperty({ example: 'inbox' })
  name: string;

  @ApiProperty({ enum: ['pending', 'running', 'done', 'failed'] })
  state: string;

  @ApiPropertyOptional({ example: 'Support email is invalid', description: "Chatwoot's message when the step failed" })
  error?: string;
}

export class StoreWarningDto {
  @ApiProperty({
    example: 'WEBHOOK_TARGET_PRIVATE',
    enum: ['WEBHOOK_TARGET_PRIVATE', 'PUBLIC_URL_UNRESOLVED', 'PUBLIC_URL_INVALID'],
  })
  code: string;

  @ApiProperty({ example: 'PUBLIC_URL http://localhost:3000 resolves to 127.0.0.1 (loopback): Chatwoot v4.14.0+ refuses ...' })
  message: string;
}

export class StoreChatwootDto {
  @ApiProperty({ enum: ['pending', 'provisioning', 'active', 'suspended', 'failed', 'deleting', 'deleted'] })
  state: string;

  @ApiProperty({ type: Number, nullable: true, example: 12 })
  accountId: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 34 })
  inboxId: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Public web widget token (it is in the storefront snippet)' })
  websiteToken: string | null;

  @ApiProperty({ type: [ProvisioningStepDto] })
  steps: ProvisioningStepDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Last Chatwoot error, if any' })
  lastError: string | null;

  @ApiProperty({
    type: () => [StoreWarningDto],
    description: 'Problems found that do not stop provisioning, e.g. a webhook URL Chatwoot refuses to deliver to',
  })
  warnings: StoreWarningDto[];
}

export class StoreBrandingResponseDto {
  @ApiPropertyOptional({ example: '#1f93ff' })
  color?: string;

  @ApiPropertyOptional()
  welcomeTitle?: string;

  @ApiPropertyOptional()
  welcomeTagline?: string;
}

export class StoreWebhookIntakeDto {
  @ApiProperty({ description: 'Stored webhook deliveries not processed yet', example: 120 })
  backlog: number;

  @ApiProperty({ description: 'WEBHOOK_BACKLOG_LIMIT: at this backlog intake answers 503 WEBHOOK_BACKLOG_FULL', example: 250000 })
  backlogLimit: number;

  @ApiProperty({ description: 'backlog / backlogLimit (alert when it nears 1)', example: 0.0005 })
  backlogRatio: number;

  @ApiProperty({ description: 'WEBHOOK_RATE_PER_MINUTE: deliveries processed per minute for this account', example: 5000 })
  processingPerMinute: number;
}

/** A store as we hold it: never a token or secret. */
export class StoreResponseDto {
  @ApiProperty({ example: 'store-42' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  slug: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  websiteUrl: string;

  @ApiProperty({ example: 'nl-NL' })
  locale: string;

  @ApiProperty({ example: 'Europe/Amsterdam' })
  timezone: string;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ enum: ['active', 'suspended'] })
  status: string;

  @ApiProperty({ type: StoreBrandingResponseDto })
  branding: StoreBrandingResponseDto;

  @ApiProperty({ type: String, nullable: true })
  notificationUrl: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Where order actions from the panel are sent' })
  actionUrl: string | null;

  @ApiProperty({ type: StoreChatwootDto })
  chatwoot: StoreChatwootDto;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;

  @ApiPropertyOptional({ type: StoreWebhookIntakeDto, description: 'Webhook processing status (in GET /v1/stores/:id)' })
  webhooks?: StoreWebhookIntakeDto;
}

export class CreatedStoreResponseDto extends StoreResponseDto {
  @ApiProperty({
    description:
      'Key for verifying our signed notifications to notificationUrl. Returned only in this 202 creation response and never again: store it now.',
  })
  notificationSecret: string;
}

export class AccountChangeDto {
  @ApiProperty({ example: 'webhook_config' })
  kind: string;

  @ApiProperty({ example: 'webhook 7: reset url and subscriptions' })
  detail: string;
}

export class RepairResultDto {
  @ApiProperty()
  storeId: string;

  @ApiProperty({ type: [AccountChangeDto], description: 'What was found drifted and put back; empty when all was in order' })
  changes: AccountChangeDto[];
}

export class DefaultsResultDto extends RepairResultDto {
  @ApiProperty({ type: StoreChatwootDto })
  chatwoot: StoreChatwootDto;
}

export class TokenCheckDto {
  @ApiProperty({ enum: ['admin_token', 'account_access', 'inbox', 'webhook', 'dashboard_app'] })
  name: string;

  @ApiProperty()
  valid: boolean;

  @ApiProperty({ example: 'inbox 34 exists' })
  detail: string;
}

export class TokenValidationDto {
  @ApiProperty({ description: 'True when every check passed' })
  valid: boolean;

  @ApiProperty({ type: [TokenCheckDto] })
  checks: TokenCheckDto[];
}

export class TokenRotationDto {
  @ApiProperty({ example: ['admin_token', 'context_token'] })
  rotated: string[];

  @ApiProperty({ type: Number, nullable: true, description: 'The dashboard app whose URL now carries the new context token' })
  dashboardAppId: number | null;
}

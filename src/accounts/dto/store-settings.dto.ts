import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { LABEL_TITLE } from '../service-labels';
import { ORDER_ACTION_TYPES, type OrderActionType } from '../store-settings';

const TIERS = ['Bronze', 'Silver', 'Gold', 'Platinum'] as const;
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

/** A Chatwoot team id, or the name of a team provisioning created. */
function IsTeamRef(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTeamRef',
      validator: {
        validate: (value: unknown) =>
          value === 'vip' || value === 'managers' || (Number.isInteger(value) && (value as number) > 0),
        defaultMessage: () => "team must be a Chatwoot team id or 'vip' / 'managers'",
      },
    },
    options,
  );
}

export class TierThresholdsDto {
  @ApiPropertyOptional({ example: 20000, description: 'Lifetime spend in minor units to reach Silver' })
  @IsOptional()
  @IsInt()
  @Min(0)
  silver?: number;

  @ApiPropertyOptional({ example: 50000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  gold?: number;

  @ApiPropertyOptional({ example: 100000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  platinum?: number;
}

export class AutoAssignmentRuleDto {
  @ApiPropertyOptional({ enum: TIERS, isArray: true, example: ['Gold', 'Platinum'] })
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(TIERS, { each: true })
  tiers: (typeof TIERS)[number][];

  @ApiPropertyOptional({ oneOf: [{ type: 'integer' }, { type: 'string', enum: ['vip', 'managers'] }], example: 'vip' })
  @IsOptional()
  @IsTeamRef()
  team?: number | 'vip' | 'managers';

  @ApiPropertyOptional({ example: 7, description: 'A Chatwoot agent id' })
  @IsOptional()
  @IsInt()
  @Min(1)
  agentId?: number;

  @ApiPropertyOptional({ enum: PRIORITIES })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: (typeof PRIORITIES)[number];

  @ApiPropertyOptional({
    type: [String],
    example: ['vip'],
    description:
      "Conversation labels to attach (letters, digits, '-' and '_', as Chatwoot requires); the service defines them in the account",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  @Matches(LABEL_TITLE, { each: true, message: "each label may hold only letters, digits, '-' and '_'" })
  labels?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  notifyManagers?: boolean;
}

export class FollowUpSettingsDto {
  @ApiPropertyOptional({ example: 60 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_080)
  lowCsatDelayMinutes?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  cartReminder?: boolean;

  @ApiPropertyOptional({ example: 30 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_080)
  cartReminderDelayMinutes?: number;
}

export class DiscountLimitsDto {
  @ApiPropertyOptional({ example: 20 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  maxPercent?: number;

  @ApiPropertyOptional({ example: 2500, description: 'Minor units' })
  @IsOptional()
  @IsInt()
  @Min(0)
  maxFixedAmount?: number;

  @ApiPropertyOptional({ example: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  maxPerAgentPerDay?: number;
}

export class OrderActionSettingsDto {
  @ApiPropertyOptional({
    enum: ORDER_ACTION_TYPES,
    isArray: true,
    example: ['cancel', 'refund', 'resend_confirmation'],
    description: 'Order actions agents may request from the panel (the store also needs an actionUrl)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(ORDER_ACTION_TYPES, { each: true })
  allowed?: OrderActionType[];

  @ApiPropertyOptional({ example: 10000, description: 'Largest refund one action may ask for (minor units)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  refundMaxPerAction?: number;

  @ApiPropertyOptional({
    example: 50000,
    description: 'Refunds one agent may ask for within 24 h, pending ones included (minor units)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  refundMaxPerAgentPerDay?: number;

  @ApiPropertyOptional({
    example: 5000,
    description: "How long to wait for the platform's answer before the action stays pending (ms)",
  })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(60_000)
  timeoutMs?: number;
}

/**
 * Per-store settings. In a PUT every field is optional and merged into what is stored (one level
 * deep per section; `autoAssignment` is replaced as a whole). GET answers with every field resolved.
 */
export class StoreSettingsDto {
  @ApiPropertyOptional({ type: TierThresholdsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TierThresholdsDto)
  tiers?: TierThresholdsDto;

  @ApiPropertyOptional({ example: 72, description: 'Hours after a conversation in which an order counts as converted' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  attributionWindowHours?: number;

  @ApiPropertyOptional({ type: [AutoAssignmentRuleDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => AutoAssignmentRuleDto)
  autoAssignment?: AutoAssignmentRuleDto[];

  @ApiPropertyOptional({ example: 2, minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  lowCsatThreshold?: number;

  @ApiPropertyOptional({ type: FollowUpSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FollowUpSettingsDto)
  followUps?: FollowUpSettingsDto;

  @ApiPropertyOptional({ type: DiscountLimitsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DiscountLimitsDto)
  discounts?: DiscountLimitsDto;

  @ApiPropertyOptional({ example: '0 3 * * *', description: 'Five-field cron (store time zone) for the full contact re-sync' })
  @IsOptional()
  @Matches(/^\s*([\d*,/-]+)\s+([\d*,/-]+)\s+([\d*,/?LW-]+)\s+([\d*,/A-Za-z-]+)\s+([\d*,/?A-Za-z#L-]+)\s*$/, {
    message: 'contactSyncCron must be a five-field cron expression',
  })
  contactSyncCron?: string;

  @ApiPropertyOptional({ type: OrderActionSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OrderActionSettingsDto)
  orderActions?: OrderActionSettingsDto;
}

import { ActionPolicyDto, OrderActionDto } from '../../order-actions/dto/order-action.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ContextCustomerDto {
  @ApiProperty({ description: 'The platform customer id' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  email: string;
  @ApiProperty({ enum: ['Bronze', 'Silver', 'Gold', 'Platinum'] })
  tier: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  registration_date: string | null;
  @ApiProperty({ description: 'Lifetime spend of counted orders, minor units' })
  total_spent: number;
  @ApiProperty()
  order_count: number;
}

export class OrderItemDto {
  @ApiProperty()
  product_id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  category: string;
  @ApiProperty()
  quantity: number;
  @ApiProperty({ description: 'Minor units' })
  unit_price: number;
}

export class ShipmentDto {
  @ApiProperty({ description: "The platform's shipment id" })
  id: string;
  @ApiProperty({ type: String, nullable: true, example: 'DHL' })
  carrier: string | null;
  @ApiProperty({ type: String, nullable: true })
  tracking_number: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'http or https' })
  tracking_url: string | null;
  @ApiProperty({ enum: ['pending', 'shipped', 'in_transit', 'delivered', 'returned', 'failed'] })
  status: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  shipped_at: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  delivered_at: string | null;
}

export class OrderDto {
  @ApiProperty()
  id: string;
  @ApiProperty({ enum: ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] })
  status: string;
  @ApiProperty({ description: 'Minor units' })
  total: number;
  @ApiProperty()
  currency: string;
  @ApiProperty({ format: 'date-time' })
  placed_at: string;
  @ApiProperty({ type: String, nullable: true })
  discount_code: string | null;
  @ApiProperty({ type: [OrderItemDto] })
  items: OrderItemDto[];
  @ApiProperty({ type: [ShipmentDto], description: 'In the order the platform listed them; [] when none' })
  shipments: ShipmentDto[];
}

export class CartItemDto {
  @ApiProperty()
  product_id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  quantity: number;
  @ApiProperty({ description: 'Minor units' })
  unit_price: number;
}

export class CartDto {
  @ApiPropertyOptional({ description: 'Present on the /cart route' })
  customer_id?: string;
  @ApiProperty({ type: [CartItemDto] })
  items: CartItemDto[];
  @ApiProperty({ description: 'Minor units' })
  total: number;
  @ApiProperty()
  currency: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  updated_at: string | null;
}

export class MonthTotalDto {
  @ApiProperty({ description: '1–12 (calendar month)' })
  month: number;
  @ApiProperty({ example: 'Dec' })
  label: string;
  @ApiProperty({ description: 'Minor units, summed over the years of history' })
  total: number;
  @ApiProperty()
  orders: number;
}

export class SeasonalPatternsDto {
  @ApiProperty({ type: [String], description: 'Calendar months with clearly more spend than average', example: ['Nov', 'Dec'] })
  peak_months: string[];
  @ApiProperty({ type: [MonthTotalDto] })
  by_month: MonthTotalDto[];
}

export class PreviousConversationDto {
  @ApiProperty({ description: 'Display id' })
  id: number;
  @ApiProperty()
  status: string;
  @ApiProperty({ type: String, nullable: true })
  priority: string | null;
  @ApiProperty({ type: [String] })
  labels: string[];
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  resolved_at: string | null;
  @ApiProperty({ type: Number, nullable: true })
  csat_rating: number | null;
}

export class EscalationHistoryItemDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  conversation_id: number;
  @ApiProperty()
  reason: string;
  @ApiProperty({ type: String, nullable: true })
  agent_name: string | null;
  @ApiProperty({ enum: ['pending', 'done'] })
  state: string;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

export class ViewedProductDto {
  @ApiProperty({ type: String, nullable: true })
  productId: string | null;
  @ApiProperty({ type: String, nullable: true })
  name: string | null;
  @ApiProperty({ type: String, nullable: true })
  url: string | null;
}

export class DiscountPolicyDto {
  @ApiProperty({ description: 'settings.discounts.maxPercent' })
  max_percent: number;
  @ApiProperty({ description: 'settings.discounts.maxFixedAmount (minor units)' })
  max_fixed_amount: number;
  @ApiProperty({ description: 'settings.discounts.maxPerAgentPerDay (codes per agent over 24 h)' })
  max_per_agent_per_day: number;
  @ApiProperty({ description: 'Codes this agent issued in the last 24 h' })
  used_by_agent_today: number;
}

/** `linked: false` (contact without a customer) keeps the shape with `customer: null`, empty lists and a message. */
export class ContactContextDto {
  @ApiProperty({ description: 'False when the contact has no linked customer: then customer is null and message explains' })
  linked: boolean;
  @ApiProperty()
  contact_id: number;
  @ApiPropertyOptional({ description: 'Only when linked is false' })
  message?: string;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ example: 'en', description: 'Store locale, for formatting money' })
  locale: string;
  @ApiProperty({ type: ContextCustomerDto, nullable: true })
  customer: ContextCustomerDto | null;
  @ApiProperty({ type: [OrderDto], description: 'Newest first (up to 5)' })
  recent_orders: OrderDto[];
  @ApiProperty({ type: CartDto, nullable: true })
  current_cart: CartDto | null;
  @ApiProperty({ type: [String] })
  favorite_categories: string[];
  @ApiProperty({ type: String, nullable: true, example: 'every ~14 days' })
  purchase_frequency: string | null;
  @ApiProperty({ type: Number, nullable: true })
  average_days_between_orders: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Minor units' })
  average_order_value: number | null;
  @ApiProperty({ type: SeasonalPatternsDto, nullable: true })
  seasonal_patterns: SeasonalPatternsDto | null;
  @ApiProperty({ type: [PreviousConversationDto], description: 'Newest first (up to 10)' })
  previous_conversations: PreviousConversationDto[];
  @ApiProperty({ type: Number, nullable: true, description: 'Mean CSAT rating 1–5' })
  satisfaction_score: number | null;
  @ApiProperty()
  rated_conversations: number;
  @ApiProperty({ type: [EscalationHistoryItemDto] })
  escalation_history: EscalationHistoryItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Last page of the latest storefront session' })
  current_page: string | null;
  @ApiProperty({ description: 'The latest session is still active (within 30 minutes of inactivity)' })
  session_active: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  last_seen_at: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds' })
  session_duration: number | null;
  @ApiProperty({ description: 'Page views in the latest session' })
  pages_visited: number;
  @ApiProperty({ type: [ViewedProductDto] })
  products_viewed: ViewedProductDto[];
  @ApiProperty({
    type: [String],
    description:
      'Sections whose source could not answer (left empty). Always [] now that the context is one read; kept for the panel',
  })
  unavailable: string[];
  // --- order actions (issue #15): read fresh on every call, not cached with the rest ---
  @ApiProperty({ type: [OrderActionDto], description: "This customer's order actions, newest first (up to 20)" })
  order_actions: OrderActionDto[];
  @ApiProperty({ type: ActionPolicyDto, description: 'What this agent may still do from the panel' })
  action_policy: ActionPolicyDto;
  @ApiProperty({ type: DiscountPolicyDto, description: "The store's discount caps and this agent's use of them" })
  discount_policy: DiscountPolicyDto;
}

export class OrdersDto {
  @ApiProperty()
  customer_id: string;
  @ApiProperty({ type: [OrderDto], description: 'Newest first' })
  orders: OrderDto[];
}

export class TierProgressDto {
  @ApiProperty({ enum: ['Bronze', 'Silver', 'Gold', 'Platinum'] })
  tier: string;
  @ApiProperty({ type: String, nullable: true })
  next_tier: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Lifetime spend (minor units) where the next tier starts' })
  next_tier_at: number | null;
  @ApiProperty({ description: 'Minor units still missing' })
  remaining: number;
  @ApiProperty({ description: '0–100' })
  progress_percent: number;
  @ApiProperty()
  total_spent: number;
}

export class SpendTrendDto {
  @ApiProperty({ enum: ['up', 'down', 'flat', 'new', 'none'] })
  direction: string;
  @ApiProperty({ type: Number, nullable: true })
  change_percent: number | null;
  @ApiProperty({ description: 'Spend of the last window_months calendar months (current included)' })
  recent: number;
  @ApiProperty()
  previous: number;
  @ApiProperty()
  window_months: number;
}

export class MonthlySpendDto {
  @ApiProperty({ example: '2026-05' })
  month: string;
  @ApiProperty()
  total: number;
  @ApiProperty()
  orders: number;
}

export class ChurnRiskDto {
  @ApiProperty({ enum: ['low', 'medium', 'high', 'unknown'] })
  level: string;
  @ApiProperty({ type: Number, nullable: true })
  days_since_last_order: number | null;
  @ApiProperty({ type: Number, nullable: true })
  typical_gap_days: number | null;
  @ApiProperty()
  reason: string;
}

export class InsightsDto {
  @ApiProperty()
  customer_id: string;
  @ApiProperty()
  currency: string;
  @ApiProperty({ type: TierProgressDto })
  tier_progress: TierProgressDto;
  @ApiProperty({ type: SpendTrendDto })
  spend_trend: SpendTrendDto;
  @ApiProperty({ type: [MonthlySpendDto], description: 'Last 12 months, oldest first, zero-filled' })
  monthly_spend: MonthlySpendDto[];
  @ApiProperty({ type: SeasonalPatternsDto })
  seasonal_patterns: SeasonalPatternsDto;
  @ApiProperty({ type: ChurnRiskDto })
  churn_risk: ChurnRiskDto;
  @ApiProperty()
  purchase_frequency: string;
  @ApiProperty()
  average_order_value: number;
}

export class RecommendationDto {
  @ApiProperty()
  product_id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  category: string;
  @ApiProperty({ description: 'Minor units' })
  price: number;
  @ApiProperty({ type: String, nullable: true })
  url: string | null;
  @ApiProperty({ type: String, nullable: true })
  image_url: string | null;
  @ApiProperty({ enum: ['bought_together', 'favorite_category'] })
  reason_code: string;
  @ApiProperty()
  reason: string;
}

export class RecommendationsDto {
  @ApiProperty()
  customer_id: string;
  @ApiProperty()
  currency: string;
  @ApiProperty({ type: [RecommendationDto] })
  recommendations: RecommendationDto[];
}

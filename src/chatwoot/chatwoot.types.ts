/** Shapes of the Chatwoot v4.15 objects this service reads (fields it does not use are omitted). */

export interface CwAccount {
  id: number;
  name: string;
  locale: string;
  domain: string | null;
  support_email: string | null;
  status: 'active' | 'suspended';
  custom_attributes: Record<string, unknown>;
  features?: Record<string, boolean>;
  limits?: Record<string, unknown>;
}

export interface CwAccountInput {
  name?: string;
  locale?: string;
  domain?: string;
  support_email?: string;
  status?: 'active' | 'suspended';
  custom_attributes?: Record<string, unknown>;
  features?: Record<string, boolean>;
  limits?: Record<string, number>;
}

export interface CwUser {
  id: number;
  name: string;
  display_name?: string | null;
  email: string;
  access_token: string;
  accounts?: { id: number; name: string; role: string }[];
  custom_attributes?: Record<string, unknown>;
}

export interface CwAccountUser {
  id: number;
  account_id: number;
  user_id: number;
  role: 'agent' | 'administrator';
}

export interface CwInbox {
  id: number;
  name: string;
  channel_type: string;
  website_url?: string;
  website_token?: string;
  hmac_token?: string;
  hmac_mandatory?: boolean;
  widget_color?: string;
  welcome_title?: string;
  welcome_tagline?: string;
  allowed_domains?: string | null;
  web_widget_script?: string;
}

export interface CwWebWidgetInput {
  name: string;
  channel: {
    type: 'web_widget';
    website_url: string;
    widget_color?: string;
    welcome_title?: string;
    welcome_tagline?: string;
    hmac_mandatory?: boolean;
    allowed_domains?: string;
    reply_time?: 'in_a_few_minutes' | 'in_a_few_hours' | 'in_a_day';
  };
  greeting_enabled?: boolean;
  greeting_message?: string;
  csat_survey_enabled?: boolean;
  timezone?: string;
  enable_email_collect?: boolean;
}

export interface CwInboxUpdate {
  name?: string;
  timezone?: string;
  channel?: Partial<Omit<CwWebWidgetInput['channel'], 'type'>>;
}

export type CwAttributeDisplayType = 'text' | 'number' | 'currency' | 'percent' | 'link' | 'date' | 'list' | 'checkbox';

export interface CwCustomAttributeDefinition {
  id: number;
  attribute_display_name: string;
  attribute_display_type: CwAttributeDisplayType;
  attribute_key: string;
  attribute_model: 'contact_attribute' | 'conversation_attribute' | 'company_attribute';
  attribute_description?: string | null;
  attribute_values?: string[];
}

export interface CwCustomAttributeDefinitionInput {
  attribute_display_name: string;
  attribute_display_type: CwAttributeDisplayType;
  attribute_key: string;
  attribute_model: 'contact_attribute' | 'conversation_attribute';
  attribute_description?: string;
  attribute_values?: string[];
}

export interface CwTeam {
  id: number;
  name: string;
  description?: string | null;
  allow_auto_assign?: boolean;
}

export interface CwWebhook {
  id: number;
  name?: string | null;
  url: string;
  account_id: number;
  subscriptions: string[];
  secret?: string;
}

export interface CwDashboardApp {
  id: number;
  title: string;
  content: { type: 'frame'; url: string }[];
}

export interface CwContact {
  id: number;
  name: string | null;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  custom_attributes: Record<string, unknown>;
  additional_attributes: Record<string, unknown>;
  blocked?: boolean;
  created_at?: number;
  last_activity_at?: number | null;
}

export interface CwContactInput {
  name?: string;
  email?: string;
  phone_number?: string;
  identifier?: string;
  custom_attributes?: Record<string, unknown>;
  additional_attributes?: Record<string, unknown>;
  inbox_id?: number;
}

export interface CwFilterCondition {
  attribute_key: string;
  filter_operator: 'equal_to' | 'not_equal_to' | 'contains' | 'does_not_contain';
  values: (string | number)[];
  query_operator?: 'AND' | 'OR' | null;
}

export interface CwPage<T> {
  meta: { count?: number; current_page?: number | string; has_more?: boolean };
  payload: T[];
}

export type CwConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export type CwPriority = 'low' | 'medium' | 'high' | 'urgent' | null;

export interface CwConversation {
  /** The per-account display id. */
  id: number;
  account_id?: number;
  inbox_id: number;
  status: CwConversationStatus;
  priority: CwPriority;
  labels?: string[];
  custom_attributes?: Record<string, unknown>;
  created_at: number;
  updated_at?: number;
  last_activity_at?: number;
  first_reply_created_at?: number | null;
  meta: {
    sender?: { id: number; name?: string | null; email?: string | null; identifier?: string | null };
    assignee?: { id: number; name?: string } | null;
    team?: { id: number; name: string } | null;
  };
}

export interface CwMessage {
  id: number;
  content: string | null;
  message_type: number | string;
  private: boolean;
  created_at: number | string;
  content_type?: string;
  content_attributes?: Record<string, unknown>;
}

export interface CwMessageInput {
  content: string;
  message_type?: 'outgoing' | 'incoming';
  private?: boolean;
  content_type?: string;
  content_attributes?: Record<string, unknown>;
}

export interface CwProfile extends CwUser {
  accounts: { id: number; name: string; role: string }[];
}

import { ChatwootApiError } from '../../chatwoot/chatwoot-api.error';
import type { ChatwootAccountClient } from '../../chatwoot/chatwoot-account.client';
import { NotFoundError, UnprocessableError } from '../../common/errors/domain-error';

/**
 * What an agent does from the panel may name a conversation (a discount code, an order action):
 * it must be one of the store's conversations (404 CONVERSATION_NOT_FOUND) and with this contact
 * (422 CONVERSATION_CONTACT_MISMATCH), as Chatwoot says.
 */
export async function assertConversationOfContact(
  api: ChatwootAccountClient,
  conversationId: number,
  contactId: number,
): Promise<void> {
  let senderId: number | undefined;
  try {
    senderId = (await api.getConversation(conversationId)).meta?.sender?.id;
  } catch (error) {
    if (error instanceof ChatwootApiError && error.isNotFound)
      throw new NotFoundError(`Conversation ${conversationId}`, 'CONVERSATION_NOT_FOUND');
    throw error;
  }
  if (senderId !== contactId) {
    throw new UnprocessableError(
      `Conversation ${conversationId} is not with contact ${contactId}`,
      'CONVERSATION_CONTACT_MISMATCH',
    );
  }
}

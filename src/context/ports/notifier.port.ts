/** Signed notifications to the store (its notificationUrl), recorded and retried by the notifications module. */
export abstract class NotifierPort {
  abstract notify(
    storeId: string,
    type: string,
    payload: Record<string, unknown>,
    options?: { dedupeKey?: string },
  ): Promise<{ id: string; created: boolean }>;
}

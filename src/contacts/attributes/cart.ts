export interface LineItem {
  productId: string;
  name: string;
  category: string;
  quantity: number;
  /** Minor units. */
  unitPrice: number;
}

/** Chatwoot shows text attributes in a narrow sidebar; longer lists are cut. */
const MAX_PRODUCTS_TEXT = 255;

export function cartValue(items: readonly LineItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
}

export function cartItemCount(items: readonly LineItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity, 0);
}

/** Distinct product names in cart order, comma separated, cut at 255 characters. */
export function cartProducts(items: readonly LineItem[]): string {
  const names = [...new Set(items.filter((i) => i.quantity > 0).map((i) => i.name.trim()))].filter(Boolean);
  const text = names.join(', ');
  return text.length <= MAX_PRODUCTS_TEXT ? text : `${text.slice(0, MAX_PRODUCTS_TEXT - 1)}…`;
}

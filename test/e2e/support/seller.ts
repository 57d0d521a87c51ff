import { request } from './http';

/** A seller set up through the public API, as ops and then the seller would. */
export interface Seller {
  id: string;
  apiKey: string;
}

export async function createSeller(gateway: string, opsToken: string, name = 'Test Seller'): Promise<Seller> {
  const r = await request(gateway, 'POST', '/api/v1/ops/sellers', { token: opsToken, body: { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@sellers.example`, currency: 'CNY' } });
  if (r.status !== 201) throw new Error(`creating a seller failed: ${r.status} ${r.text}`);
  return r.body;
}

export async function createProduct(gateway: string, seller: Seller, title: string, price = 1000, maxQuantity = 10): Promise<string> {
  const r = await request(gateway, 'POST', '/api/v1/seller/products', { token: seller.apiKey, body: { title, price: { minor: price, currency: 'CNY' }, maxQuantity } });
  if (r.status !== 201) throw new Error(`creating a product failed: ${r.status} ${r.text}`);
  return r.body.id;
}

export async function importKeys(gateway: string, seller: Seller, productId: string, keys: string[]): Promise<{ batchId: string; imported: number; duplicates: number }> {
  const r = await request(gateway, 'POST', `/api/v1/seller/products/${productId}/keys`, { token: seller.apiKey, body: { keys } });
  if (r.status !== 200 && r.status !== 201) throw new Error(`importing keys failed: ${r.status} ${r.text}`);
  return r.body;
}

/** The seller's view of one product: `{ id, stock, sold, reserved }`. */
export async function productStock(gateway: string, seller: Seller, productId: string): Promise<{ stock: number; sold: number; reserved: number }> {
  const r = await request(gateway, 'GET', `/api/v1/seller/products/${productId}`, { token: seller.apiKey });
  if (r.status !== 200) throw new Error(`reading stock failed: ${r.status} ${r.text}`);
  return r.body;
}

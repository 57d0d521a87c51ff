// Seeds a demo marketplace through the public API, as ops and sellers would: sellers, products, keys.
'use strict';
const { randomBytes } = require('node:crypto');

async function call(base, method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const DEMO = [
  { seller: { name: 'Nebula Games', email: 'ops@nebula.example' }, products: [
    { title: 'Steam Wallet 100 CNY', description: 'Steam wallet top-up code, China region', price: 9800, keys: 40 },
    { title: 'Game Pass Ultimate · 1 month', description: 'Xbox Game Pass Ultimate, global', price: 7900, keys: 30 },
  ] },
  { seller: { name: 'Kiwi Software', email: 'sales@kiwi.example' }, products: [
    { title: 'Office Pro license key', description: 'Lifetime license, one PC', price: 19900, keys: 20 },
    { title: 'VPN · 12 months', description: 'Premium VPN, 5 devices', price: 12800, keys: 25 },
  ] },
  { seller: { name: 'Blue Lantern Cards', email: 'hi@bluelantern.example' }, products: [
    { title: 'Netflix gift card 50', description: 'Gift card, digital delivery', price: 4500, keys: 50 },
  ] },
];

/** Seeds unless products already exist; returns the seller API keys it created (for demos and benchmarks). */
async function seedDemo(gateway, opsToken, opts = {}) {
  const existing = await call(gateway, 'GET', '/api/v1/products');
  if (existing.items.length > 0 && !opts.force) return { seeded: false, sellers: [] };
  const sellers = [];
  for (const d of opts.catalog ?? DEMO) {
    const s = await call(gateway, 'POST', '/api/v1/ops/sellers', opsToken, { ...d.seller, currency: 'CNY' });
    const products = [];
    for (const p of d.products) {
      const { id } = await call(gateway, 'POST', '/api/v1/seller/products', s.apiKey, { title: p.title, description: p.description, price: { minor: p.price, currency: 'CNY' }, maxQuantity: 10 });
      for (let left = p.keys; left > 0; left -= 5000) {
        const n = Math.min(left, 5000);
        const keys = Array.from({ length: n }, () => `${p.title.slice(0, 4).toUpperCase().replace(/\W/g, 'X')}-${randomBytes(8).toString('hex').toUpperCase().match(/.{4}/g).join('-')}`);
        await call(gateway, 'POST', `/api/v1/seller/products/${id}/keys`, s.apiKey, { keys });
      }
      products.push(id);
    }
    sellers.push({ id: s.id, apiKey: s.apiKey, products });
  }
  return { seeded: true, sellers };
}

module.exports = { seedDemo, call };

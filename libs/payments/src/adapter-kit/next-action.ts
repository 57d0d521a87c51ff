/** What the buyer must do next; shapes match `nextAction` in PUBLIC-API.md. */
export type NextAction =
  | { type: 'qr'; qrContent: string; imageUrl?: string }
  | { type: 'redirect'; url: string }
  | { type: 'deeplink'; url: string }
  | { type: 'voucher'; digitableLine: string; barcode: string; pdfUrl?: string; dueDate: string }
  | { type: 'crypto_transfer'; network: string; address: string; amount: { minor: number; currency: string }; expiresAt: string; requiredConfirmations: number };

export type NextActionType = NextAction['type'];

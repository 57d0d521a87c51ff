import { createHash } from 'node:crypto';

/** The same buyer however they type their address; hashed so that risk never stores the address. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();
export const emailHash = (email: string) => createHash('sha256').update(normaliseEmail(email)).digest();

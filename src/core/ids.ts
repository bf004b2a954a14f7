import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** An unguessable token for URLs and cookies (256 bits). */
export const newToken = (): string => randomBytes(32).toString('base64url');

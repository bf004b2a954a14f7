// A webdienst's protocol registration (OIDC client metadata, SAML SP metadata) is stored as JSON and
// comes back from the store untyped. Each protocol reads it through its zod schema: what is used is
// what was checked, and a row that does not fit (edited by hand, an older shape) is a clear internal
// error naming the webdienst and the field, never a crash further down the login.
import type { z } from 'zod';
import type { WebdienstRow } from '../stores/index.ts';
import { PoortwachterError } from './errors.ts';

/** A reader for one protocol's registration. Rows are cached by the store for seconds; so are the reads. */
export function storedRegistrationReader<Schema extends z.ZodType>(
  protocol: string,
  schema: Schema,
): (webdienst: Pick<WebdienstRow, 'clientId' | 'protocolMetadata'>) => z.output<Schema> {
  const read = new WeakMap<object, z.output<Schema>>();
  return (webdienst) => {
    const known = read.get(webdienst.protocolMetadata);
    if (known !== undefined) return known;
    const result = schema.safeParse(webdienst.protocolMetadata);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new PoortwachterError('error.internal', {
        status: 500,
        expose: false,
        logMessage: `stored ${protocol} registration of webdienst ${webdienst.clientId} is invalid: ${problems.join('; ')}`,
      });
    }
    read.set(webdienst.protocolMetadata, result.data);
    return result.data;
  };
}

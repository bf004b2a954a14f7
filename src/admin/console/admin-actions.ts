// The bridge from a console page to the admin functions (src/admin/*.ts): they run with the signed-in
// operator as the actor of every audit event, and their validation errors come back as messages next
// to the field they are about. The console validates nothing itself.
import type { Context } from 'koa';
import { auditLogOf } from '../../core/audit.ts';
import { ValidationError } from '../../core/errors.ts';
import { operatorActor } from '../../core/operators/operator-secret.ts';
import { hasMessage } from '../../http/i18n.ts';
import type { FieldErrors } from '../../http/missing-fields.ts';
import type { ConsoleDeps } from './deps.ts';
import { signedInOperator } from './session-cookie.ts';

export function adminDepsOf(deps: ConsoleDeps, ctx: Context) {
  const { operator } = signedInOperator(ctx);
  return {
    store: deps.store,
    clock: deps.clock,
    audit: auditLogOf('console', deps.audit),
    operator: operatorActor(operator.username),
    environment: deps.config.environment,
    ...(deps.trust ? { trust: deps.trust } : {}),
  };
}

const fieldByCode: Record<string, string> = {
  'admin.invalid_contact_role': 'contactRole',
  'admin.invalid_contact_name': 'contactName',
  'admin.invalid_contact_email': 'contactEmail',
  'admin.contact_exists': 'contactEmail',
  'admin.invalid_name': 'name',
  'admin.invalid_oin': 'oin',
  'admin.oin_taken': 'oin',
  'admin.unknown_organisation': 'organisation',
  'admin.invalid_legal_basis': 'bsnLegalBasis',
  'admin.missing_redirect_uri': 'redirectUris',
  'admin.invalid_level': 'level',
  'admin.invalid_federation': 'federation',
  'admin.invalid_auth': 'auth',
  'admin.auth_not_allowed': 'auth',
  'admin.missing_jwks': 'jwksUri',
  'admin.jwks_not_used': 'jwksUri',
  'admin.jwks_unreachable': 'jwksUri',
  'admin.invalid_jwks': 'jwks',
  'admin.certificate_refused': 'jwks',
};

// The URI checks name the option they checked (webdiensten.ts assertRegistrableUri).
const fieldByOption: Array<[string, string]> = [
  ['--redirect-uri', 'redirectUris'],
  ['--post-logout-redirect-uri', 'postLogoutRedirectUris'],
  ['--backchannel-logout-uri', 'backchannelLogoutUri'],
  ['--jwks-uri', 'jwksUri'],
  ['--metadata', 'metadataUrl'],
];

/** The text to show: the language file's where it has one, else the admin function's own message. */
const messageOf = (error: ValidationError): string =>
  hasMessage(`beheer.error.${error.code}`) ? `beheer.error.${error.code}` : error.message;

export interface FormProblem {
  error?: string;
  errorFields?: string[];
  fieldErrors?: FieldErrors;
}

/** A refused change as the form shows it; anything but a validation error is rethrown. */
export function formProblemOf(caught: unknown, fields: string[]): FormProblem {
  if (!(caught instanceof ValidationError)) throw caught;
  const field =
    fieldByCode[caught.code] ??
    fieldByOption.find(
      ([option]) => caught.message.startsWith(`${option} `) || caught.message.includes(` ${option} `),
    )?.[1];
  if (field && fields.includes(field)) return { fieldErrors: { [field]: messageOf(caught) } };
  return { error: messageOf(caught) };
}

/** Lines of a textarea: one URI each, blanks skipped. */
export const lines = (value: string | undefined): string[] =>
  (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

// Empty required fields of a posted form, each with the message that tells the citizen what to fill
// in ("Vul uw gebruikersnaam in"). A form with a missing field is answered before anything is
// checked: an empty field is a slip, not a failed login, so it is not counted or audited as one.
export type FieldErrors = Record<string, string>;

/** The message key per empty field (whitespace only counts as empty), or undefined when all are filled. */
export function missingFields(form: Record<string, string>, required: Record<string, string>): FieldErrors | undefined {
  const errors: FieldErrors = {};
  for (const [field, messageKey] of Object.entries(required))
    if (!(form[field] ?? '').trim()) errors[field] = messageKey;
  return Object.keys(errors).length ? errors : undefined;
}

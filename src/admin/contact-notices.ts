// Notices to every contact of every organisation that is not suspended: maintenance switched on, a
// disruption added to the status page. Queued in the transaction of the change itself (the caller's),
// one mail per contact per notice, so a crash after the change loses no notice and a retry sends none twice.
import { newId } from '../core/ids.ts';
import type { ContactMailKind, Repositories } from '../stores/index.ts';
import type { MailText } from './contact-mail-texts.ts';

export async function queueNoticeToAllContacts(
  store: Pick<Repositories, 'listContactsOfActiveOrganisations' | 'queueContactMails'>,
  notice: { kind: Extract<ContactMailKind, 'maintenance' | 'disruption'>; key: string; text: MailText; at: number },
): Promise<number> {
  const contacts = await store.listContactsOfActiveOrganisations();
  // One mail per address and organisation, even where a person is a contact in several roles.
  const recipients = new Map(contacts.map((contact) => [`${contact.organisationId} ${contact.email}`, contact]));
  return store.queueContactMails(
    [...recipients.values()].map((contact) => ({
      id: newId(),
      dedupeKey: `${notice.kind}:${notice.key}:${contact.id}`,
      kind: notice.kind,
      organisationId: contact.organisationId,
      recipient: contact.email,
      subject: notice.text.subject,
      body: notice.text.body,
      createdAt: notice.at,
    })),
  );
}

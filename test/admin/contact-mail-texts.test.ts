// The text of the mails to organisation contacts: Dutch first with English below, the days said the
// way a person says them, and nothing from a registration able to break a header line.
import { expect } from 'chai';
import type { CertificateExpiry } from '../../src/admin/certificate-expiries.ts';
import { certificateExpiryMail, disruptionMail } from '../../src/admin/contact-mail-texts.ts';

const expiry = (daysLeft: number, webdienstName = 'Zaken'): CertificateExpiry => ({
  webdienstId: 'w1',
  clientId: 'https://zaken.example.nl/saml',
  webdienstName,
  protocol: 'saml',
  organisationId: 'o1',
  organisationOin: '00000001002345678000',
  organisationName: 'Gemeente',
  use: 'signing',
  subject: 'C=NL, O=Gemeente, CN=zaken.example.nl',
  issuer: 'C=NL, CN=CA',
  fingerprint: 'AB:CD',
  notAfter: Date.UTC(2027, 0, 5),
  daysLeft,
  suspended: false,
});

describe('mail texts for organisation contacts', () => {
  it('says the days left in Dutch and in English below it, one day and less than one day included', () => {
    const one = certificateExpiryMail(expiry(1), 7);
    expect(one.subject).to.equal('Certificaat verloopt over 1 dag / Certificate expires in 1 day: Zaken');
    expect(one.body.indexOf('verloopt over 1 dag.')).to.be.lessThan(one.body.indexOf('expires in 1 day.'));
    expect(certificateExpiryMail(expiry(0), 7).subject).to.equal(
      'Certificaat verloopt binnen een dag / Certificate expires within a day: Zaken',
    );
    const ended = certificateExpiryMail(expiry(-3), 0);
    expect(ended.subject).to.equal('Certificaat verlopen / Certificate expired: Zaken');
    expect(ended.body).to.include('is verlopen');
    expect(ended.body).to.include('has expired');
    expect(ended.body).to.include('Geldig tot: 2027-01-05T00:00:00.000Z');
    expect(ended.body).to.include('Gebruik: ondertekenen\n');
    expect(ended.body).to.include('Use: signing\n');
    expect(certificateExpiryMail({ ...expiry(3), use: 'signing, encryption' }, 7).body).to.include(
      'Gebruik: ondertekenen, versleutelen\n',
    );
    expect(certificateExpiryMail({ ...expiry(3), protocol: 'oidc', use: 'key k1' }, 7).body).to.include(
      'Gebruik: sleutel k1\n',
    );
  });

  it('keeps line breaks of a registered name or title out of the subject', () => {
    expect(certificateExpiryMail(expiry(10, 'Zaken\r\nBcc: x@y.nl'), 30).subject).to.not.match(/[\r\n]/);
    const notice = disruptionMail({
      id: 1,
      startsAt: Date.UTC(2027, 0, 5, 22),
      endsAt: Date.UTC(2027, 0, 6, 2),
      titleNl: 'Onderhoud\nBcc: x@y.nl',
      titleEn: 'Maintenance',
      descriptionNl: null,
      descriptionEn: 'Logging in is not possible.',
      createdAt: 0,
    });
    expect(notice.subject).to.not.match(/[\r\n]/);
    expect(notice.body).to.include('Logging in is not possible.');
    expect(notice.body).to.include('6 januari 2027');
  });
});

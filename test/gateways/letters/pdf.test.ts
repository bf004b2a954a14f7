// The letter as a PDF: it opens in a PDF reader (pdf.js) and says, in Dutch, to whom, the code, until
// when it works and what to do.
import { expect } from 'chai';
import { renderLetterPdf } from '../../../src/gateways/letters/index.ts';
import { pdfText } from '../../support/pdf-text.ts';
import { sampleLetter } from './fixtures.ts';

describe('letter PDF', () => {
  it('holds the name, the address, the activation code, its expiry date and the steps, on one A4 page', async () => {
    const pdf = await renderLetterPdf(sampleLetter());
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    const { pages, text, title } = await pdfText(pdf);
    expect(pages).to.equal(1);
    expect(title).to.equal('Uw activeringscode voor Poortwachter');
    const lines = text.split('\n');
    expect(lines).to.include.members(['S. el Amrani', 'Havenweg 45-2', "2511 AB 'S-GRAVENHAGE", 'ACDE-FGHJ-KMNP']);
    expect(text).to.include('geldig tot en met 23 december 2026');
    expect(text).to.include('Ga naar https://inloggen.example.nl/activeren.');
    expect(text).to.include('Hebt u geen account aangevraagd?');
    expect(text).to.include('Kenmerk: L-7Q2X9');
  });

  it('words a recovery letter as a recovery: the account keeps working until the code is used', async () => {
    const { text } = await pdfText(
      await renderLetterPdf(sampleLetter({ kind: 'recovery', useAt: 'https://x.nl/herstellen' })),
    );
    expect(text).to.include('Uw herstelcode voor Poortwachter');
    expect(text).to.include('Uw account blijft werken zoals het is, tot u de herstelcode in deze brief gebruikt.');
    expect(text).to.include('ACDE-FGHJ-KMNP');
    expect(text).to.not.include('activeringscode');
  });

  it('gives the same letter the same bytes (dates come from the letter, not the clock)', async () => {
    const [first, second] = await Promise.all([renderLetterPdf(sampleLetter()), renderLetterPdf(sampleLetter())]);
    expect(first.equals(second)).to.equal(true);
  });
});

// A letter as a print-ready PDF (pdfkit): A4, the recipient's name and address where a window
// envelope (C5/6, window on the left, NEN 1026 style) shows it, then the text, the code in a box
// and the steps. The document's dates come from the letter, so the same letter gives the same PDF.
import PDFDocument from 'pdfkit';
import type { Letter } from '../../core/letters/letter-gateway.ts';
import { letterDate, letterText } from './letter-text.ts';

const mm = (value: number): number => (value * 72) / 25.4;

export function renderLetterPdf(letter: Letter): Promise<Buffer> {
  const text = letterText(letter);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: mm(20), bottom: mm(20), left: mm(25), right: mm(20) },
    info: {
      Title: text.subject,
      Author: 'Poortwachter',
      Subject: `${letter.kind} ${letter.id}`,
      CreationDate: new Date(letter.createdAt),
      ModDate: new Date(letter.createdAt),
    },
    lang: 'nl-NL',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  doc.font('Helvetica-Bold').fontSize(14).text('Poortwachter', mm(25), mm(20));
  doc.font('Helvetica').fontSize(8).text('Inloggen bij de overheid', mm(25), mm(27));

  // The address window: 45-90 mm from the top, 25 mm from the left.
  doc
    .font('Helvetica')
    .fontSize(10)
    .text([letter.recipient.name, ...letter.recipient.addressLines].join('\n'), mm(25), mm(50), {
      width: mm(85),
      lineGap: 2,
    });

  doc.fontSize(9).text(`Datum: ${letterDate(letter.createdAt)}`, mm(25), mm(95));
  doc.text(`Kenmerk: ${letter.id}`);
  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').fontSize(12).text(text.subject, { width });
  doc.moveDown();
  doc.font('Helvetica').fontSize(10).text(text.salutation, { width });
  doc.moveDown(0.5);
  for (const paragraph of text.intro) doc.text(paragraph, { width }).moveDown(0.5);

  doc.moveDown(0.5);
  const boxTop = doc.y;
  doc.rect(mm(25), boxTop, width, mm(22)).lineWidth(1).stroke();
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(text.codeLabel, mm(30), boxTop + mm(4));
  doc
    .font('Courier-Bold')
    .fontSize(18)
    .text(letter.code, mm(30), boxTop + mm(10), { characterSpacing: 1 });
  doc.y = boxTop + mm(26);
  doc.x = mm(25);
  doc.font('Helvetica').fontSize(10).text(text.validUntil, { width });
  doc.moveDown();
  doc.font('Helvetica-Bold').text(text.stepsTitle, { width });
  doc.font('Helvetica').list(text.steps, { width, listType: 'numbered', bulletRadius: 2, textIndent: mm(6) });
  doc.moveDown();
  doc.text(text.notRequested, { width });
  doc.moveDown();
  doc.text(text.closing.join('\n'), { width });
  doc.end();
  return done;
}

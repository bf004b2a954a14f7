// Reads the text of a PDF the way a person's PDF viewer does (Mozilla's pdf.js), so tests check what
// a printed letter shows, not what the code meant to write.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfContent {
  pages: number;
  /** The text of every page, its items joined by spaces and lines by newlines. */
  text: string;
  title: string | undefined;
}

export async function pdfText(pdf: Uint8Array): Promise<PdfContent> {
  const task = getDocument({ data: new Uint8Array(pdf), verbosity: 0 });
  const document = await task.promise;
  const lines: string[] = [];
  for (let number = 1; number <= document.numPages; number += 1) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    let line = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      line += item.str;
      if (item.hasEOL) {
        lines.push(line);
        line = '';
      } else if (item.str && !line.endsWith(' ')) line += ' ';
    }
    if (line) lines.push(line);
  }
  const info = (await document.getMetadata()).info as { Title?: string };
  await task.destroy();
  return {
    pages: document.numPages,
    text: lines.map((l) => l.replace(/\s+/g, ' ').trim()).join('\n'),
    title: info.Title,
  };
}

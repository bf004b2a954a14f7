// What a letter says, in Dutch (the language of the population register's letters): the subject,
// what the code is for, the code and its expiry, and what to do; also what to do when the citizen
// asked for nothing.
import type { Letter } from '../../core/letters/letter-gateway.ts';

export interface LetterText {
  subject: string;
  salutation: string;
  intro: string[];
  codeLabel: string;
  validUntil: string;
  stepsTitle: string;
  steps: string[];
  notRequested: string;
  closing: string[];
}

const dateFormat = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeZone: 'Europe/Amsterdam' });

export const letterDate = (at: number): string => dateFormat.format(at);

export function letterText(letter: Letter): LetterText {
  const common = {
    salutation: 'Geachte heer/mevrouw,',
    validUntil: `Deze code is geldig tot en met ${letterDate(letter.expiresAt)}. Daarna werkt hij niet meer.`,
    closing: ['Met vriendelijke groet,', 'Poortwachter'],
  };
  if (letter.kind === 'activation')
    return {
      ...common,
      subject: 'Uw activeringscode voor Poortwachter',
      intro: [
        `Op ${letterDate(letter.createdAt)} is met uw gegevens een Poortwachter-account aangevraagd.`,
        'Met de activeringscode in deze brief maakt u het account af. Zonder deze code werkt het account niet.',
      ],
      codeLabel: 'Uw activeringscode',
      stepsTitle: 'Wat moet u doen?',
      steps: [
        `Ga naar ${letter.useAt}.`,
        'Vul de gebruikersnaam en het wachtwoord in die u bij de aanvraag hebt gekozen.',
        'Vul de activeringscode uit deze brief in. Hoofdletters of kleine letters maakt niet uit.',
        'Daarna kunt u met uw account inloggen bij de overheid.',
      ],
      notRequested:
        'Hebt u geen account aangevraagd? Gebruik de code dan niet. Hij vervalt vanzelf en uw gegevens blijven veilig. Hebt u al een account, dan blijft dat werken zolang deze code niet wordt gebruikt.',
    };
  return {
    ...common,
    subject: 'Uw herstelcode voor Poortwachter',
    intro: [
      `Op ${letterDate(letter.createdAt)} is gevraagd om uw Poortwachter-account te herstellen (wachtwoord vergeten of telefoon kwijt).`,
      'Uw account blijft werken zoals het is, tot u de herstelcode in deze brief gebruikt.',
    ],
    codeLabel: 'Uw herstelcode',
    stepsTitle: 'Wat moet u doen?',
    steps: [
      `Ga naar ${letter.useAt}.`,
      'Vul uw gebruikersnaam en de herstelcode uit deze brief in.',
      'Kies een nieuw wachtwoord. Uw oude wachtwoord werkt daarna niet meer; een gekoppelde telefoon of app wordt losgekoppeld als u dat kiest.',
    ],
    notRequested:
      'Hebt u niet om herstel gevraagd? Gebruik de code dan niet; hij vervalt vanzelf. Uw account blijft werken zoals het is.',
  };
}

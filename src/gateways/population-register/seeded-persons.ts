// The persons of the seeded register (development and preproduction): the test citizens of the seed
// and a few more without an account, to request one. Fictitious BSNs from the 9999 range that pass
// the 11-check; the addresses are made up.
import type { RegisteredPerson } from '../../core/register/population-register.ts';

export const seededPersons: readonly RegisteredPerson[] = [
  {
    bsn: '999993653',
    birthDate: '1985-03-14',
    name: 'J. de Vries',
    address: {
      street: 'Dorpsstraat',
      houseNumber: 12,
      houseLetter: null,
      houseNumberAddition: null,
      postcode: '1234AB',
      city: 'Voorbeeldstad',
    },
  },
  {
    bsn: '999990019',
    birthDate: '1979-11-02',
    name: 'A.M. Jansen',
    address: {
      street: 'Kerkplein',
      houseNumber: 3,
      houseLetter: 'A',
      houseNumberAddition: null,
      postcode: '1234CD',
      city: 'Voorbeeldstad',
    },
  },
  {
    bsn: '999991905',
    birthDate: '1992-07-21',
    name: 'S. el Amrani',
    address: {
      street: 'Havenweg',
      houseNumber: 45,
      houseLetter: null,
      houseNumberAddition: '2',
      postcode: '2511AB',
      city: "'s-Gravenhage",
    },
  },
  {
    bsn: '999990032',
    birthDate: '1960-01-30',
    name: 'P. van den Berg',
    address: {
      street: 'Molenlaan',
      houseNumber: 7,
      houseLetter: null,
      houseNumberAddition: 'bis',
      postcode: '3512JK',
      city: 'Utrecht',
    },
  },
  {
    bsn: '999990044',
    birthDate: '2001-12-05',
    name: 'K. Bakker',
    address: {
      street: 'Stationsweg',
      houseNumber: 101,
      houseLetter: null,
      houseNumberAddition: null,
      postcode: '9711AA',
      city: 'Groningen',
    },
  },
];

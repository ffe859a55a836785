import type { Rng } from './random.ts'

/** Fictional customers: common US names (a few with accents and apostrophes), real-looking ZIPs. */
const FIRST = [
  'Emma', 'Liam', 'Olivia', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James', 'Isabella', 'William', 'Mia', 'Benjamin',
  'Charlotte', 'Lucas', 'Amelia', 'Henry', 'Harper', 'Theodore', 'Evelyn', 'Jack', 'Abigail', 'Levi', 'Emily',
  'Alexander', 'Ella', 'Mateo', 'Elizabeth', 'Daniel', 'Camila', 'Michael', 'Luna', 'Mason', 'Sofia', 'Sebastian',
  'Avery', 'Ethan', 'Mila', 'Logan', 'Aria', 'Owen', 'Scarlett', 'Samuel', 'Penelope', 'Jacob', 'Layla', 'Asher',
  'Chloe', 'Aiden', 'Victoria', 'John', 'Madison', 'Joseph', 'Eleanor', 'Wyatt', 'Grace', 'David', 'Nora', 'Leo',
  'Riley', 'Zoë', 'José', 'Renée', 'Aaliyah', 'Priya', 'Wei', 'Hiroshi', 'Fatima', 'Dmitri', 'Siobhan', 'Kwame',
]
const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen',
  'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall',
  'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', "O'Brien", 'Núñez', 'Kowalski', 'Patel', 'Chen', 'Kim',
  'Okafor', 'Schmidt', 'Rossi', 'McAllister', 'Fitzgerald', 'Nakamura', 'Singh', 'Dubois', 'Larsen', 'Brennan',
]

/** ZIP, city, state: destinations for orders and carrier scans. */
export const PLACES: [string, string, string][] = [
  ['10001', 'New York', 'NY'], ['02139', 'Cambridge', 'MA'], ['60614', 'Chicago', 'IL'], ['94110', 'San Francisco', 'CA'],
  ['98103', 'Seattle', 'WA'], ['80205', 'Denver', 'CO'], ['78704', 'Austin', 'TX'], ['30309', 'Atlanta', 'GA'],
  ['33139', 'Miami Beach', 'FL'], ['19103', 'Philadelphia', 'PA'], ['55408', 'Minneapolis', 'MN'], ['97214', 'Portland', 'OR'],
  ['85004', 'Phoenix', 'AZ'], ['48226', 'Detroit', 'MI'], ['37203', 'Nashville', 'TN'], ['84101', 'Salt Lake City', 'UT'],
  ['27601', 'Raleigh', 'NC'], ['63110', 'St. Louis', 'MO'], ['53202', 'Milwaukee', 'WI'], ['04101', 'Portland', 'ME'],
  ['05401', 'Burlington', 'VT'], ['07302', 'Jersey City', 'NJ'], ['20001', 'Washington', 'DC'], ['96813', 'Honolulu', 'HI'],
  ['99501', 'Anchorage', 'AK'], ['70116', 'New Orleans', 'LA'], ['46202', 'Indianapolis', 'IN'], ['64108', 'Kansas City', 'MO'],
  ['89101', 'Las Vegas', 'NV'], ['92101', 'San Diego', 'CA'], ['15213', 'Pittsburgh', 'PA'], ['43215', 'Columbus', 'OH'],
  ['28202', 'Charlotte', 'NC'], ['32801', 'Orlando', 'FL'], ['87102', 'Albuquerque', 'NM'], ['83702', 'Boise', 'ID'],
]

export interface Customer {
  name: string
  email: string
  phone: string
  postalCode: string
  city: string
}

/** Letters only, no accents: "Núñez" → "nunez", "O'Brien" → "obrien". */
function emailPart(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '')
}

/** The n-th customer; n makes the email unique. */
export function makeCustomer(rng: Rng, n: number): Customer {
  const first = rng.pick(FIRST)
  const last = rng.pick(LAST)
  const [zip, city, state] = rng.pick(PLACES)
  return {
    name: `${first} ${last}`,
    email: `${emailPart(first)}.${emailPart(last)}${n}@example.com`,
    // 555-01xx is reserved for fiction.
    phone: rng.chance(0.8) ? `+1-${rng.int(201, 989)}-555-01${String(rng.int(0, 99)).padStart(2, '0')}` : '',
    postalCode: zip,
    city: `${city}, ${state}`,
  }
}

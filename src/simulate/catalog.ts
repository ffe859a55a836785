/**
 * The simulated retailer's catalog and customers: product families in colors and sizes, each
 * SKU offered by one or two suppliers, a popularity (Zipf-like: a few items sell most), and
 * customers spread over US ZIP prefixes — many sharing a 3-digit prefix, so lanes have data.
 */
import type { Rng } from '../demo/random.ts'
import type { SupplierHabits } from './suppliers.ts'

export interface Product {
  sku: string
  name: string
  brand: string
  family: string
  color: string
  size: string
  price: number
  /** Relative demand weight. */
  weight: number
  /** Among the best sellers: backordered more often. */
  hot: boolean
  /** Offering suppliers, the first the usual one. */
  suppliers: string[]
}

export interface Customer {
  name: string
  email: string
  phone: string
  postalCode: string
  city: string
}

const KINDS = ['Trail Jacket', 'Rain Shell', 'Camp Stove', 'Headlamp', 'Sleeping Bag', 'Day Pack', 'Water Filter', 'Hiking Boot',
  'Trekking Pole', 'Fleece Pullover', 'Tent', 'Camp Chair', 'Cooler', 'Lantern', 'Base Layer', 'Wool Sock', 'Sun Hat', 'Dry Bag']
const BRANDS = ['Alpine Co', 'Ridgeway', 'Summit Labs', 'Northpeak', 'Trailborn', 'Canyon & Co']
const COLORS = ['Red', 'Blue', 'Black', 'Green', 'Grey', 'Orange']
const SIZES = ['S', 'M', 'L', 'XL']

/** 3-digit ZIP prefixes with a city, west to east; customers cluster in them. */
const PREFIXES: [string, string][] = [
  ['021', 'Boston, MA'], ['100', 'New York, NY'], ['112', 'Brooklyn, NY'], ['070', 'Newark, NJ'], ['191', 'Philadelphia, PA'],
  ['152', 'Pittsburgh, PA'], ['212', 'Baltimore, MD'], ['200', 'Washington, DC'], ['232', 'Richmond, VA'], ['275', 'Raleigh, NC'],
  ['282', 'Charlotte, NC'], ['303', 'Atlanta, GA'], ['322', 'Jacksonville, FL'], ['331', 'Miami, FL'], ['336', 'Tampa, FL'],
  ['372', 'Nashville, TN'], ['402', 'Louisville, KY'], ['432', 'Columbus, OH'], ['441', 'Cleveland, OH'], ['482', 'Detroit, MI'],
  ['462', 'Indianapolis, IN'], ['532', 'Milwaukee, WI'], ['554', 'Minneapolis, MN'], ['606', 'Chicago, IL'], ['631', 'St. Louis, MO'],
  ['641', 'Kansas City, MO'], ['681', 'Omaha, NE'], ['700', 'New Orleans, LA'], ['752', 'Dallas, TX'], ['770', 'Houston, TX'],
  ['787', 'Austin, TX'], ['802', 'Denver, CO'], ['841', 'Salt Lake City, UT'], ['850', 'Phoenix, AZ'], ['891', 'Las Vegas, NV'],
  ['900', 'Los Angeles, CA'], ['921', 'San Diego, CA'], ['941', 'San Francisco, CA'], ['972', 'Portland, OR'], ['981', 'Seattle, WA'],
]
const FIRST = ['Ava', 'Ben', 'Chloe', 'Dan', 'Elena', 'Finn', 'Grace', 'Hugo', 'Iris', 'Jon', 'Kara', 'Liam', 'Maya', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sam', 'Tara', 'Omar']
const LAST = ['Adams', 'Baker', 'Chen', 'Diaz', 'Evans', 'Foster', 'Garcia', 'Hill', 'Ito', 'Jones', 'Khan', 'Lopez', 'Moore', 'Nguyen', 'Patel', 'Reyes', 'Smith', 'Walsh']

/** 120–240 SKUs in families of one to six variants, each with one or two offering suppliers. */
export function drawProducts(rng: Rng, suppliers: SupplierHabits[]): Product[] {
  const target = rng.int(120, 240)
  const out: Product[] = []
  for (let f = 0; out.length < target; f++) {
    const kind = KINDS[f % KINDS.length]
    const brand = rng.pick(BRANDS)
    const family = `${brand} ${kind} ${Math.floor(f / KINDS.length) + 1}`
    const price = Math.round(rng.float(12, 320)) + 0.99
    const home = rng.pick(suppliers).id
    const second = rng.chance(0.35) ? rng.pick(suppliers.filter((s) => s.id !== home)).id : null
    const variants = rng.int(1, 6)
    const colors = rng.shuffle(COLORS)
    for (let v = 0; v < variants && out.length < target; v++) {
      const color = colors[v % colors.length]
      const size = kind.includes('Jacket') || kind.includes('Shell') || kind.includes('Boot') || kind.includes('Layer') ? SIZES[v % SIZES.length] : ''
      out.push({
        sku: `SIM-${String(out.length + 1).padStart(4, '0')}`, name: `${family} ${color}${size ? ` ${size}` : ''}`, brand, family, color, size, price,
        weight: 0, hot: false, suppliers: second ? [home, second] : [home],
      })
    }
  }
  // Popularity: ranks in a random order, weight ~ 1/(rank+4); the top tenth is "hot".
  rng.shuffle(out.map((_, i) => i)).forEach((i, rank) => {
    out[i].weight = 1 / (rank + 4)
    out[i].hot = rank < Math.ceil(out.length / 10)
  })
  return out
}

/** A pool of customers; the same prefix (and often the same ZIP) recurs. */
export function drawCustomers(rng: Rng, count: number): Customer[] {
  return Array.from({ length: count }, (_, i) => {
    const [prefix, city] = rng.pick(PREFIXES)
    const first = rng.pick(FIRST)
    const last = rng.pick(LAST)
    return {
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}.${i + 1}@example.com`,
      phone: rng.chance(0.6) ? `+1555${String(rng.int(0, 9_999_999)).padStart(7, '0')}` : '',
      postalCode: `${prefix}${String(rng.int(1, 30)).padStart(2, '0')}`,
      city,
    }
  })
}

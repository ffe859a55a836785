/**
 * The demo's fixed vocabulary: suppliers and product families. Fictional companies and brands
 * (example.com addresses), shaped like a real home-and-outdoor retailer's drop-ship catalog.
 */

export type Category = 'apparel' | 'footwear' | 'cookware' | 'furniture' | 'lighting'
export type CarrierName = 'UPS' | 'USPS' | 'FedEx'

export interface SupplierDef {
  id: string
  name: string
  email: string
  phone: string
  ediId: string | null
  leadTimeDays: number
  categories: Category[]
  carriers: CarrierName[]
  /** Hour (UTC) its daily status feed arrives. */
  feedHour: number
  /** Where its parcels start (carrier event locations). */
  origin: string
  /** Business days before `now` since its last feed: a supplier that went quiet. */
  silentDays: number
  /** Prefix of its own SKUs. */
  skuPrefix: string
}

export const SUPPLIERS: SupplierDef[] = [
  { id: 'trailhead', name: 'Trailhead Distribution Co.', email: 'orders@trailhead.example.com', phone: '+1-775-555-0142',
    ediId: 'TRAILHEADDIST', leadTimeDays: 3, categories: ['apparel', 'footwear'], carriers: ['UPS', 'FedEx'],
    feedHour: 13, origin: 'Reno, NV', silentDays: 0, skuPrefix: 'TH-' },
  { id: 'peak', name: 'Peak Outdoor Supply', email: 'edi@peakoutdoor.example.com', phone: '+1-801-555-0187',
    ediId: 'PEAKOUTDOOR01', leadTimeDays: 2, categories: ['apparel', 'footwear'], carriers: ['USPS', 'UPS'],
    feedHour: 14, origin: 'Salt Lake City, UT', silentDays: 0, skuPrefix: 'PK' },
  { id: 'copperline', name: 'Copperline Kitchen Supply', email: 'dropship@copperline.example.com', phone: '+1-614-555-0119',
    ediId: null, leadTimeDays: 2, categories: ['cookware'], carriers: ['FedEx', 'USPS'],
    feedHour: 12, origin: 'Columbus, OH', silentDays: 0, skuPrefix: 'CL' },
  { id: 'hearth', name: 'Hearth & Home Wholesale', email: 'orders@hearthhome.example.com', phone: '+1-610-555-0163',
    ediId: 'HEARTHHOMEWHSL', leadTimeDays: 3, categories: ['cookware', 'lighting'], carriers: ['UPS'],
    feedHour: 16, origin: 'Allentown, PA', silentDays: 0, skuPrefix: 'HH-' },
  { id: 'oakridge', name: 'Oakridge Furniture Direct', email: 'fulfillment@oakridge.example.com', phone: '+1-336-555-0128',
    ediId: 'OAKRIDGEFURN', leadTimeDays: 5, categories: ['furniture', 'lighting'], carriers: ['FedEx'],
    feedHour: 11, origin: 'High Point, NC', silentDays: 0, skuPrefix: 'OR' },
  { id: 'lumen', name: 'Lumen & Lamp Trading', email: 'sales@lumenlamp.example.com', phone: '+1-909-555-0175',
    ediId: null, leadTimeDays: 4, categories: ['lighting', 'furniture'], carriers: ['UPS', 'FedEx'],
    feedHour: 20, origin: 'Ontario, CA', silentDays: 3, skuPrefix: 'LL-' },
  { id: 'greatlakes', name: 'Great Lakes Merchandise', email: 'edi@greatlakes.example.com', phone: '+1-815-555-0133',
    ediId: 'GREATLAKESMDSE', leadTimeDays: 4, categories: ['apparel', 'footwear', 'cookware', 'furniture', 'lighting'],
    carriers: ['USPS', 'FedEx'], feedHour: 18, origin: 'Joliet, IL', silentDays: 0, skuPrefix: 'GL' },
]

export interface FamilyDef {
  category: Category
  brand: string
  code: string
  name: string
  colors: string[]
  sizes: (string | null)[]
  price: number
  /** Added per size step up (bigger pans and sofas cost more). */
  sizeStep: number
  /**
   * Its sizes stand in for each other (a pack, a length): alternatives may offer another size.
   * Absent: fitted sizes (boots, jackets, sofas, pans) — only the ordered size is ever offered.
   */
  sizeInterchangeable?: boolean
  /** A parallel manufacturer's equivalent line: same colors and sizes by position. */
  twin?: { brand: string; code: string; name: string; colors?: string[]; price: number }
}

const APPAREL = ['XS', 'S', 'M', 'L', 'XL']
const BOOTS = ['7', '7.5', '8', '8.5', '9', '9.5', '10', '10.5', '11', '11.5', '12']

export const FAMILIES: FamilyDef[] = [
  { category: 'apparel', brand: 'Northridge', code: 'SRJ', name: 'Summit Rain Jacket', colors: ['Black', 'Navy', 'Olive', 'Red'],
    sizes: APPAREL, price: 149, sizeStep: 0,
    twin: { brand: 'Cascadia Outfitters', code: 'ASJ', name: 'Alpine Shell Rain Jacket', colors: ['Black', 'Deep Navy', 'Moss', 'Crimson'], price: 139 } },
  { category: 'apparel', brand: 'Northridge', code: 'RFP', name: 'Ridgeline Fleece Pullover', colors: ['Heather Grey', 'Forest Green', 'Black'],
    sizes: ['S', 'M', 'L', 'XL'], price: 79, sizeStep: 0 },
  { category: 'apparel', brand: 'Cascadia Outfitters', code: 'THP', name: 'Trailmark Hiking Pants', colors: ['Khaki', 'Charcoal', 'Olive'],
    sizes: ['30x30', '32x30', '32x32', '34x32', '36x32'], price: 89, sizeStep: 0,
    twin: { brand: 'Northridge', code: 'SHP', name: 'Switchback Hiking Pants', colors: ['Sand', 'Graphite', 'Sage'], price: 94 } },
  { category: 'apparel', brand: 'Alder & Pine', code: 'PDV', name: 'Packable Down Vest', colors: ['Black', 'Navy', 'Rust'],
    sizes: ['S', 'M', 'L', 'XL'], price: 119, sizeStep: 0 },
  { category: 'apparel', brand: 'Alder & Pine', code: 'MBL', name: 'Merino Base Layer Crew', colors: ['Black', 'Charcoal', 'Sage'],
    sizes: APPAREL, price: 69, sizeStep: 0 },
  { category: 'footwear', brand: 'Stonefield', code: 'TMB', name: 'Trailblazer Mid Hiking Boot', colors: ['Brown', 'Black', 'Slate'],
    sizes: BOOTS, price: 159, sizeStep: 0,
    twin: { brand: 'Ridgewalker', code: 'GPB', name: 'Granite Peak Hiking Boot', colors: ['Chestnut', 'Black', 'Storm Grey'], price: 149 } },
  { category: 'footwear', brand: 'Ridgewalker', code: 'TRS', name: 'Tempo Road Running Shoe', colors: ['White/Blue', 'Black', 'Coral'],
    sizes: ['6', '7', '8', '9', '10', '11', '12'], price: 129, sizeStep: 0 },
  { category: 'footwear', brand: 'Stonefield', code: 'HLS', name: 'Harbor Leather Sneaker', colors: ['White', 'Tan'],
    sizes: ['7', '8', '9', '10', '11', '12'], price: 99, sizeStep: 0 },
  { category: 'cookware', brand: 'Copperline', code: 'TPS', name: 'Tri-Ply Stainless Skillet', colors: ['Stainless'],
    sizes: ['8"', '10"', '12"'], price: 69, sizeStep: 20,
    twin: { brand: 'Ashford Kitchen', code: 'CFP', name: 'Clad Stainless Fry Pan', price: 64 } },
  { category: 'cookware', brand: 'Ashford Kitchen', code: 'EDO', name: 'Enameled Cast Iron Dutch Oven',
    colors: ['Cherry', 'Marine Blue', 'Sage', 'White', 'Graphite'], sizes: ['3.5 qt', '5.5 qt', '7.25 qt'], price: 179, sizeStep: 60,
    twin: { brand: 'Copperline', code: 'CRD', name: 'Cocotte Round Dutch Oven', colors: ['Flame', 'Deep Teal', 'Thyme', 'Cotton', 'Slate'], price: 199 } },
  { category: 'cookware', brand: 'Hearthstone', code: 'CIS', name: 'Pre-Seasoned Cast Iron Skillet', colors: ['Black'],
    sizes: ['8"', '10.25"', '12"'], price: 24, sizeStep: 10 },
  { category: 'cookware', brand: 'Copperline', code: 'NSP', name: 'Nonstick Saute Pan with Lid', colors: ['Graphite'],
    sizes: ['3 qt', '5 qt'], price: 79, sizeStep: 30 },
  { category: 'cookware', brand: 'Ashford Kitchen', code: 'FCK', name: "Forged Chef's Knife", colors: ['Steel'],
    sizes: ['6"', '8"', '10"'], price: 79, sizeStep: 20 },
  { category: 'furniture', brand: 'Oakridge Home', code: 'HDC', name: 'Harlow Dining Chair', colors: ['Walnut', 'Natural Oak', 'Black'],
    sizes: ['Single', 'Set of 2'], price: 189, sizeStep: 170,
    twin: { brand: 'Marlow & Finch', code: 'EDC', name: 'Everly Dining Chair', colors: ['Dark Walnut', 'White Oak', 'Ebony'], price: 179 } },
  { category: 'furniture', brand: 'Oakridge Home', code: 'MSO', name: 'Mesa Sofa', colors: ['Oatmeal', 'Slate Blue', 'Charcoal', 'Cognac Leather'],
    sizes: ['Loveseat', '3-Seat', 'Sectional'], price: 1299, sizeStep: 600 },
  { category: 'furniture', brand: 'Marlow & Finch', code: 'LBC', name: 'Linden Bookcase', colors: ['Walnut', 'White', 'Black'],
    sizes: ['36"', '72"'], price: 249, sizeStep: 150 },
  { category: 'furniture', brand: 'Oakridge Home', code: 'ASD', name: 'Atlas Standing Desk', colors: ['Walnut', 'White Oak', 'Black'],
    sizes: ['48" x 30"', '60" x 30"', '72" x 30"'], price: 549, sizeStep: 100 },
  { category: 'lighting', brand: 'Lumina Works', code: 'AFL', name: 'Arc Floor Lamp', colors: ['Brushed Brass', 'Matte Black', 'Chrome'],
    sizes: [null], price: 229, sizeStep: 0,
    twin: { brand: 'Brightwell', code: 'CAL', name: 'Crescent Arc Floor Lamp', colors: ['Antique Brass', 'Black', 'Nickel'], price: 199 } },
  { category: 'lighting', brand: 'Lumina Works', code: 'DPL', name: 'Dome Pendant Light', colors: ['Black', 'White', 'Brass'],
    sizes: ['12"', '16"', '20"'], price: 139, sizeStep: 40 },
  { category: 'lighting', brand: 'Brightwell', code: 'CTL', name: 'Ceramic Table Lamp', colors: ['Sand', 'Slate', 'Ivory'],
    sizes: ['Small', 'Large'], price: 89, sizeStep: 40 },
  { category: 'lighting', brand: 'Brightwell', code: 'LED', name: 'LED A19 Bulb', colors: ['Soft White 2700K', 'Daylight 5000K'],
    sizes: ['4-pack', '8-pack', '12-pack'], price: 14, sizeStep: 10, sizeInterchangeable: true },
]

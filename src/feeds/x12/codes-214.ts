/**
 * Code tables for the 214 Carrier Shipment Status: AT701 shipment status codes (X12 element
 * 1650) to wismo's carrier statuses, AT702 reason codes (element 1651) in words, and the
 * AT707 time codes (element 623) with the zones they name. Pure data plus one conversion.
 */
import type { CarrierStatus, IsoDate } from '../../domain/types.ts'

/**
 * What an AT701 code means for wismo: a carrier status; `estimate` — the AT705 date is the
 * estimated delivery, nothing happened; `none` — says nothing about where the freight is.
 */
export interface StatusCode {
  kind: CarrierStatus | 'estimate' | 'none'
  text: string
}

const code = (kind: StatusCode['kind'], text: string): StatusCode => ({ kind, text })

/** Element 1650 (4010 list). docs/formats.md shows the same table. */
export const SHIPMENT_STATUS: Readonly<Record<string, StatusCode>> = {
  // Before the carrier has the freight.
  XB: code('pre_transit', 'Shipment Acknowledged'),
  X3: code('pre_transit', 'Arrived at Pick-up Location'),
  X8: code('pre_transit', 'Arrived at Pick-up Location Loading Dock'),
  L1: code('pre_transit', 'Loading'),
  OO: code('pre_transit', 'Paperwork Received - Did not Receive Shipment or Equipment'),
  // On its way (including hand-offs between carriers and terminals).
  CP: code('in_transit', 'Completed Loading at Pick-up Location'),
  AF: code('in_transit', 'Carrier Departed Pick-up Location with Shipment'),
  AM: code('in_transit', 'Loaded on Truck'),
  P1: code('in_transit', 'Departed Terminal Location'),
  X4: code('in_transit', 'Arrived at Terminal Location'),
  AV: code('in_transit', 'Available for Delivery'),
  BA: code('in_transit', 'Connecting Line or Cartage Pick-up'),
  R1: code('in_transit', 'Received from Prior Carrier'),
  J1: code('in_transit', 'Delivered to Connecting Line'),
  AN: code('in_transit', 'Diverted to Air Carrier'),
  AI: code('in_transit', 'Shipment has been Reconsigned'),
  I1: code('in_transit', 'In-Gate'),
  OA: code('in_transit', 'Out-Gate'),
  RL: code('in_transit', 'Rail Departure from Origin Intermodal Ramp'),
  AR: code('in_transit', 'Rail Arrival at Destination Intermodal Ramp'),
  K1: code('in_transit', 'Arrived at Customs'),
  BC: code('in_transit', 'Storage in Transit'),
  CL: code('in_transit', 'Trailer Closed Out'),
  // On the last leg: LTL has no "out for delivery" code; en route to / at the consignee is it.
  X6: code('out_for_delivery', 'En Route to Delivery Location'),
  AJ: code('out_for_delivery', 'Tendered for Delivery'),
  X1: code('out_for_delivery', 'Arrived at Delivery Location'),
  X5: code('out_for_delivery', 'Arrived at Delivery Location Loading Dock'),
  S1: code('out_for_delivery', "Trailer Spotted at Consignee's Location"),
  D1: code('delivered', 'Completed Unloading at Delivery Location'),
  // Problems: the reason (AT702) goes with them.
  A3: code('exception', 'Shipment Returned to Shipper'),
  A7: code('exception', 'Refused by Consignee'),
  A9: code('exception', 'Shipment Damaged'),
  AH: code('exception', 'Attempted Delivery'),
  AP: code('exception', 'Delivery Not Completed'),
  SD: code('exception', 'Shipment Delayed'),
  CA: code('exception', 'Shipment Cancelled'),
  PR: code('exception', 'U.S. Customs Hold at In-Bond Location'),
  // Estimates of delivery: no event, the date becomes the estimated delivery.
  AG: code('estimate', 'Estimated Delivery'),
  X2: code('estimate', "Estimated Date and/or Time of Arrival at Consignee's Location"),
  // Terminal plans, and the truck leaving the consignee (after a delivery, or after a failed one).
  B6: code('none', 'Estimated to Arrive at Carrier Terminal'),
  C1: code('none', 'Estimated to Depart Terminal Location'),
  CD: code('none', 'Carrier Departed Delivery Location'),
}

/** Element 1651, the reasons carriers give most; others are shown by their code. */
export const STATUS_REASON: Readonly<Record<string, string>> = {
  A1: 'Missed Delivery', A2: 'Incorrect Address', A3: 'Indirect Delivery', A5: 'Unable to Locate',
  A6: 'Address Corrected - Delivery Attempted', AA: 'Mis-sort', AD: 'Customer Requested Future Delivery',
  AE: 'Restricted Articles Unacceptable', AF: 'Accident', AG: 'Consignee Related', AH: 'Driver Related',
  AI: 'Mechanical Breakdown', AJ: 'Other Carrier Related', AK: 'Damaged, Rewrapped in Hub', AL: 'Previous Stop',
  AM: 'Shipper Related', AN: 'Holiday - Closed', AO: 'Weather or Natural Disaster Related',
  AQ: 'Recipient Unavailable - Delivery Delayed', AR: 'Improper International Paperwork',
  AS: 'Hold Due to Customs Documentation Problems', AV: 'Exceeds Service Limitations', AW: 'Past Cut-off Time',
  AY: 'Missed Pick-up', AZ: 'Alternate Carrier Delivered', B1: 'Consignee Closed', B2: 'Trap for Customer',
  B5: 'Held for Consignee', B8: 'Improper Unloading Facility or Equipment', B9: 'Receiving Time Restricted',
  BB: 'Held per Shipper', BC: 'Missing Documents', BD: 'Border Clearance', BE: 'Road Conditions',
  BF: 'Carrier Keying Error', BG: 'Other', BH: 'Insufficient Time to Complete Delivery', BI: 'Cartage Agent',
  BL: 'Held for Protective Service', BS: 'Refused by Customer', BT: 'Returned to Shipper',
  C1: 'Waiting for Customer Pick-up', C2: 'Credit Hold', C3: 'Suspended at Customer Request', C4: 'Customer Vacation',
  C5: 'Customer Strike', C6: 'Waiting Shipping Instructions', C8: 'Collect on Delivery Required',
  C9: 'Cash Not Available From Consignee', CA: 'Customs (Import or Export)', D1: 'Carrier Dispatch Error',
  D2: 'Driver Not Available', F2: 'International Non-carrier Delay', P1: 'Processing Delay', P2: 'Waiting Inspection',
  P4: 'Held for Full Carrier Load', RC: 'Reconsigned', T7: 'Insufficient Delivery Time',
}

/** AT702 codes that say "nothing special": not worth repeating in the message. */
export const NORMAL_REASONS = new Set(['NS', 'NA', ''])

/** Element 623 time codes with a fixed offset from UTC, in minutes. */
const FIXED_OFFSET: Readonly<Record<string, number>> = {
  UT: 0, GM: 0, ES: -300, ED: -240, CS: -360, CD: -300, MS: -420, MD: -360, PS: -480, PD: -420,
  AS: -540, AD: -480, HS: -600, HD: -540, NS: -210, ND: -150, TS: -240, TD: -180,
}

/** Element 623 codes for a zone's civil time (standard or daylight as the date has it). */
const ZONE_OF_CODE: Readonly<Record<string, string>> = {
  ET: 'America/New_York', CT: 'America/Chicago', MT: 'America/Denver', PT: 'America/Los_Angeles',
  AT: 'America/Anchorage', HT: 'Pacific/Honolulu', NT: 'America/St_Johns', TT: 'America/Halifax',
}

/** "Local time" (LT) is the event's place: the zone most of the MS1 state or province keeps. */
const ZONE_OF_STATE: Readonly<Record<string, string>> = Object.fromEntries([
  ...'CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV ON QC'.split(' ').map((s) => [s, 'America/New_York']),
  ...'AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI MB'.split(' ').map((s) => [s, 'America/Chicago']),
  ...'CO ID MT NM UT WY AB'.split(' ').map((s) => [s, 'America/Denver']),
  ...'CA NV OR WA BC'.split(' ').map((s) => [s, 'America/Los_Angeles']),
  ['AZ', 'America/Phoenix'], ['AK', 'America/Anchorage'], ['HI', 'Pacific/Honolulu'], ['PR', 'America/Puerto_Rico'],
  ['SK', 'America/Regina'], ['NS', 'America/Halifax'], ['NB', 'America/Halifax'], ['PE', 'America/Halifax'], ['NL', 'America/St_Johns'],
])

/** Minutes the zone is ahead of UTC at `at`. */
function zoneOffset(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(at))
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value)
  return (Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - at) / 60_000
}

/** The instant of a wall-clock time in a zone (twice, so a time near a DST change lands right). */
function zonedToUtc(wall: number, zone: string): number {
  const first = wall - zoneOffset(zone, wall) * 60_000
  return wall - zoneOffset(zone, first) * 60_000
}

export interface WallTime {
  hour: number
  minute: number
  second: number
}

/**
 * The instant an AT7 date/time names. The time code decides the zone; LT, none, or a code
 * wismo does not know is the local time of the MS1 state, and UTC when even that is unknown.
 */
export function toInstant(date: IsoDate, time: WallTime | null, timeCode: string, state: string | null): Date {
  const [y, m, d] = date.split('-').map(Number)
  const t = time ?? { hour: 0, minute: 0, second: 0 }
  const wall = Date.UTC(y, m - 1, d, t.hour, t.minute, t.second)
  if (Object.hasOwn(FIXED_OFFSET, timeCode)) return new Date(wall - FIXED_OFFSET[timeCode] * 60_000)
  const zone = Object.hasOwn(ZONE_OF_CODE, timeCode) ? ZONE_OF_CODE[timeCode] : state && Object.hasOwn(ZONE_OF_STATE, state) ? ZONE_OF_STATE[state] : null
  return new Date(zone ? zonedToUtc(wall, zone) : wall)
}

/**
 * The functional group (GS01, X12 element 479) each transaction set wismo reads travels in. A
 * set inside another group is refused (AK5 code 6, invalid transaction set identifier for the
 * group): an 870 sent in an HP (health care payment) group was mislabelled somewhere, and
 * reading it anyway would hide that.
 */
export const FUNCTIONAL_GROUP: Readonly<Record<string, string>> = {
  '855': 'PR',
  '856': 'SH',
  '870': 'RS',
  '846': 'IB',
  '214': 'QM',
  '997': 'FA',
  '999': 'FA',
}

const NAMES: Readonly<Record<string, string>> = {
  PR: 'purchase order acknowledgment',
  SH: 'ship notice',
  RS: 'order status',
  IB: 'inventory inquiry/advice',
  QM: 'transportation carrier shipment status',
  FA: 'functional acknowledgment',
  PO: 'purchase order',
  PC: 'purchase order change',
}

/** "GS01 PR (purchase order acknowledgment)". */
export function groupName(code: string): string {
  return Object.hasOwn(NAMES, code) ? `GS01 ${code} (${NAMES[code]})` : `GS01 ${code}`
}

/** The documents wismo sends, by the functional group a 997's AK1 names: what the 997 acknowledges. */
export const SENT_DOCUMENTS: Readonly<Record<string, '850' | '860'>> = { PO: '850', PC: '860' }

/**
 * The HL segment of 856 and 870 hierarchies: HL01 this level's id, HL02 its parent's (empty, or
 * "0" as Ingram Micro and others write for the top level: no parent), HL03 what the level is
 * (X12 element 735). A code outside the supply-chain levels below is refused (AK4 code 7): a
 * level wismo cannot place would put items under the wrong order or parcel.
 */
import { X12Error } from './errors.ts'
import { el, lookup, unknownCode } from './elements.ts'
import type { Segment } from './types.ts'

/** HL03 codes read, with their usual depth: what closes what when HL02 is not given. */
const LEVEL_RANK: Readonly<Record<string, number>> = {
  S: 0, // shipment
  E: 0.5, // transportation equipment
  O: 1, // order
  T: 2, // shipping tare (pallet)
  P: 3, // pack
  Q: 3.5, // subpack
  I: 4, // item
  K: 4, // kit
  A: 4, // assembly
  U: 4.5, // subassembly
  F: 5, // component
}

const KNOWN = Object.keys(LEVEL_RANK).join(', ')

export interface HlLevel {
  id: string
  /** HL02; null for a top level (empty or all zeros). */
  parent: string | null
  code: string
  rank: number
}

/** Reads and checks one HL segment. */
export function readHl(seg: Segment): HlLevel {
  const id = el(seg, 1)
  if (!id) throw new X12Error(seg, 'HL01 (the level id) is empty', { element: { position: 1, code: '1' } })
  const parent = el(seg, 2)
  const code = el(seg, 3)
  const rank = lookup(LEVEL_RANK, code)
  if (rank === undefined) throw unknownCode(seg, 3, 'a hierarchical level code', KNOWN)
  return { id, parent: parent === '' || /^0+$/.test(parent) ? null : parent, code, rank }
}

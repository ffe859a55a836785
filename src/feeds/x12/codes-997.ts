/**
 * The codes of a received 997 (and 999), in words for the rep: acknowledgment statuses (AK501,
 * AK901), and the reasons a partner gives for rejecting a segment (AK304), an element (AK403), a
 * transaction set (AK502) or a group (AK905). From the X12 997 standard (4010/5010).
 */
import { lookup } from './elements.ts'

/** AK501/IK501 (transaction set) and AK901 (group): what the partner did with it. */
export const ACK_STATUS: Readonly<Record<string, { accepted: boolean; text: string }>> = {
  A: { accepted: true, text: 'accepted' },
  E: { accepted: true, text: 'accepted, but errors were noted' },
  P: { accepted: false, text: 'partially accepted' },
  R: { accepted: false, text: 'rejected' },
  M: { accepted: false, text: 'rejected: message authentication code failed' },
  W: { accepted: false, text: 'rejected: assurance failed validity tests' },
  X: { accepted: false, text: 'rejected: content after decryption could not be analyzed' },
}

const SEGMENT_CODES: Readonly<Record<string, string>> = {
  '1': 'unrecognized segment', '2': 'unexpected segment', '3': 'mandatory segment missing', '4': 'loop occurs over maximum times',
  '5': 'segment exceeds maximum use', '6': 'segment not in defined transaction set', '7': 'segment not in proper sequence',
  '8': 'segment has data element errors',
}

const ELEMENT_CODES: Readonly<Record<string, string>> = {
  '1': 'mandatory data element missing', '2': 'conditional required data element missing', '3': 'too many data elements',
  '4': 'data element too short', '5': 'data element too long', '6': 'invalid character in data element', '7': 'invalid code value',
  '8': 'invalid date', '9': 'invalid time', '10': 'exclusion condition violated', '12': 'too many repetitions', '13': 'too many components',
}

const SET_CODES: Readonly<Record<string, string>> = {
  '1': 'transaction set not supported', '2': 'transaction set trailer missing', '3': 'control number in header and trailer do not match',
  '4': 'number of included segments does not match actual count', '5': 'one or more segments in error',
  '6': 'missing or invalid transaction set identifier', '7': 'missing or invalid transaction set control number',
  '23': 'transaction set control number not unique within the functional group',
}

const GROUP_CODES: Readonly<Record<string, string>> = {
  '1': 'functional group not supported', '2': 'functional group version not supported', '3': 'functional group trailer missing',
  '4': 'group control number in the header and trailer do not agree', '5': 'number of included transaction sets does not match actual count',
  '6': 'group control number violates syntax',
}

const say = (table: Readonly<Record<string, string>>, code: string) => `${lookup(table, code) ?? 'code'} (${code})`

export const describeSegmentCode = (code: string) => say(SEGMENT_CODES, code)
export const describeElementCode = (code: string) => say(ELEMENT_CODES, code)
export const describeSetCode = (code: string) => say(SET_CODES, code)
export const describeGroupCode = (code: string) => say(GROUP_CODES, code)

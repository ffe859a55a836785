/**
 * Which parts of an email are supplier feeds: pure, from the message's body structure (as the
 * IMAP server describes it) and, for X12, the part's first bytes.
 */
import type { MessageStructureObject } from 'imapflow'

export type FeedType = 'csv' | 'xlsx' | 'x12'

export interface AttachmentPart {
  /** The IMAP body part number ("2", "1.2"). */
  part: string
  filename: string
  contentType: string
  size: number
}

/** Leaf parts that are attachments: a filename, or a disposition of attachment. Text and inline images without a name are the message, not files. */
export function attachmentsOf(node: MessageStructureObject | undefined): AttachmentPart[] {
  if (!node) return []
  if (node.childNodes && node.childNodes.length > 0) return node.childNodes.flatMap(attachmentsOf)
  const filename = node.dispositionParameters?.filename ?? node.parameters?.name ?? null
  const type = (node.type ?? 'application/octet-stream').toLowerCase()
  if (type === 'message/rfc822') return []
  if (!filename && node.disposition !== 'attachment') return []
  // A single-part message's only part is numbered "1" in IMAP; imapflow leaves `part` empty there.
  return [{ part: node.part || '1', filename: filename ?? `part-${node.part || '1'}`, contentType: type, size: node.size ?? 0 }]
}

const OCTETS = ['application/octet-stream', 'application/x-download', 'application/download']
const ACCEPTED: Record<FeedType, { extensions: string[]; types: string[] }> = {
  csv: { extensions: ['.csv'], types: ['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values', 'text/x-csv', 'application/vnd.ms-excel', ...OCTETS] },
  xlsx: { extensions: ['.xlsx'], types: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/zip', ...OCTETS] },
  // A .txt is X12 only when it starts with ISA (above): suppliers attach notes as .txt too.
  x12: { extensions: ['.edi', '.x12', '.dat'], types: ['application/edi-x12', 'application/edi', 'application/edifact', 'text/plain', ...OCTETS] },
}

const extensionOf = (filename: string) => {
  const dot = filename.lastIndexOf('.')
  return dot < 0 ? '' : filename.slice(dot).toLowerCase()
}

/**
 * What kind of feed a part claims to be, by its content type and its file name's extension
 * together (a .csv sent as a PDF is not a feed); X12 is also known by its content, an ISA
 * envelope at the start, whatever it is called. Null: not a feed.
 */
export function feedTypeOf(a: Pick<AttachmentPart, 'filename' | 'contentType'>, body: Buffer | null): FeedType | null {
  if (body && /^\uFEFF?\s*ISA[^A-Za-z0-9\s]/.test(body.subarray(0, 64).toString('utf8'))) return 'x12'
  const ext = extensionOf(a.filename)
  for (const type of ['csv', 'xlsx', 'x12'] as const) {
    if (ACCEPTED[type].extensions.includes(ext) && ACCEPTED[type].types.includes(a.contentType)) return type
  }
  return null
}

/** The file name to ingest under: a recognised X12 body named otherwise gets `.edi` added, so the feed reader knows it. */
export function ingestName(a: AttachmentPart, type: FeedType): string {
  const name = a.filename.replace(/[/\\]/g, '_')
  if (type === 'x12' && !ACCEPTED.x12.extensions.includes(extensionOf(name))) return `${name}.edi`
  return name
}

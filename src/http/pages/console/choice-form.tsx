import type { RepLineView } from '../../../status/order-status.ts'
import type { Session } from '../../../store/sessions.ts'
import { formatMoney } from '../render.ts'
import { Csrf } from './layout.tsx'
import type { LineOffer } from '../../../choices/choice-rules.ts'

/** A rep records the customer's choice for a line: wait, switch to one alternative, or cancel — what the line takes now. */
export function RecordChoiceForm({ action, session, line, offer }: { action: string; session: Session; line: RepLineView; offer: LineOffer }) {
  const id = `choice-${line.lineNo}`
  return (
    <form method="post" action={action} className="choice-form">
      <Csrf session={session} />
      <div className="field">
        <label htmlFor={id}>Customer's choice for line {line.lineNo}</label>
        <select id={id} name="decision" required defaultValue="">
          <option value="" disabled>Choose…</option>
          {offer.wait && <option value="wait">Wait</option>}
          {offer.switch && line.alternatives.map((a) => (
            <option key={a.sku} value={`switch:${a.sku}`}>
              {a.kind === 'other_supplier' ? `The same item (${a.sku}) from` : `Switch to ${a.sku} — ${a.name}, from`} {a.supplierName ?? a.supplierId} ({a.daysSooner ?? '?'} d sooner, {a.priceDelta === 0 ? 'same price' : `${a.priceDelta > 0 ? '+' : '−'}${formatMoney(Math.abs(a.priceDelta))}`})
            </option>
          ))}
          <option value="cancel">Cancel the line</option>
        </select>
      </div>
      <button type="submit">Record choice</button>
    </form>
  )
}

import { CustomerLayout } from './layout.tsx'
import { telHref, type StoreInfo } from '../render.ts'

export interface LookupPageProps {
  store: StoreInfo
  /** Ask for the postal code instead of the email. */
  byPostal: boolean
  orderNumber?: string
  /** The lookup failed (unknown order or wrong proof: one message for both). */
  notFound?: boolean
  /** The form was incomplete. */
  problem?: string
  /** Too many attempts. */
  limited?: string
  /**
   * A message's signed link for this order (one already used lands here): carried in the form, it
   * lets the customer's right proof through a lock-out that guessers caused.
   */
  token?: string
}

/** `GET /`: find an order with its number and the email (or postal code) on it. */
export function LookupPage(p: LookupPageProps) {
  return (
    <CustomerLayout store={p.store} title="Where's my order?">
      <h1>Where's my order?</h1>
      <p>Enter your order number and the {p.byPostal ? 'postal code' : 'email'} you used when you ordered.</p>
      {p.notFound && (
        <div className="notice error" role="alert" data-focus>
          <p><strong>We couldn't find that order.</strong> Check the order number and {p.byPostal ? 'postal code' : 'email'}, or call us at{' '}
            <a href={telHref(p.store.phone)}>{p.store.phone}</a>.</p>
        </div>
      )}
      {p.problem && <div className="notice error" role="alert" data-focus><p>{p.problem}</p></div>}
      {p.limited && <div className="notice error" role="alert" data-focus><p>{p.limited} You can also call us at <a href={telHref(p.store.phone)}>{p.store.phone}</a>.</p></div>}
      <form method="post" action="/lookup" className="lookup">
        {p.token && <input type="hidden" name="token" value={p.token} />}
        <div className="field">
          <label htmlFor="order_number">Order number</label>
          <input id="order_number" name="order_number" required autoComplete="off" inputMode="text" defaultValue={p.orderNumber ?? ''} maxLength={64} />
        </div>
        {p.byPostal ? (
          <div className="field">
            <label htmlFor="postal_code">Postal code</label>
            <input id="postal_code" name="postal_code" required autoComplete="postal-code" maxLength={20} />
          </div>
        ) : (
          <div className="field">
            <label htmlFor="email">Email</label>
            <input id="email" name="email" type="email" required autoComplete="email" maxLength={320} />
          </div>
        )}
        <button type="submit" className="primary">Find my order</button>
      </form>
      <p>
        {p.byPostal ? <a href="/">Use your email instead</a> : <a href="/?by=postal">Use your postal code instead</a>}
      </p>
    </CustomerLayout>
  )
}

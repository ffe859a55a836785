import type { Session } from '../../../store/sessions.ts'
import type { SearchMatch, SearchResult } from '../../../store/search.ts'
import type { StoreInfo } from '../render.ts'
import { ConsoleLayout } from './layout.tsx'
import { formatLocal } from './when.ts'

const MATCHED: Record<SearchMatch, string> = {
  order_number: 'order number', phone: 'phone', email: 'email', postal_code: 'postal code', name: 'name',
}

/** `GET /console/search?q=…`: the orders matching what the rep typed in the search box. */
export function SearchPage(p: { store: StoreInfo; session: Session; timeZone: string; result: SearchResult }) {
  const { query, hits, more } = p.result
  const typed = query.text
  const summary = typed === ''
    ? 'Type an order number, an email, a phone number, a name or a postal code.'
    : hits.length === 0
      ? `No order matches “${typed}”.`
      : `${hits.length}${more ? '+' : ''} order${hits.length === 1 && !more ? '' : 's'} match “${typed}”${more ? ' — the first ' + hits.length + ' are shown; type more to narrow it' : ''}.`
  return (
    <ConsoleLayout store={p.store} title="Search" session={p.session} section="search" query={typed}>
      <h1>Search</h1>
      <p role="status" className="search-summary">{summary}</p>
      {hits.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Orders found">
          <table className="grid search-results">
            <caption className="sr-only">Orders found</caption>
            <thead>
              <tr><th scope="col">Order</th><th scope="col">Customer</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Postal code</th><th scope="col">State</th><th scope="col">Placed</th><th scope="col">Found by</th></tr>
            </thead>
            <tbody>
              {hits.map((h) => (
                <tr key={h.orderNumber}>
                  <td><a href={`/console/orders/${encodeURIComponent(h.orderNumber)}`}>{h.orderNumber}</a></td>
                  <td>{h.customerName ?? '—'}</td>
                  <td>{h.customerEmail ?? '—'}</td>
                  <td>{h.customerPhone ?? '—'}</td>
                  <td>{h.postalCode ?? '—'}</td>
                  <td><span className={`badge s-${h.state}`}>{h.state.replace(/_/g, ' ')}</span></td>
                  <td>{formatLocal(h.placedAt, p.timeZone)}</td>
                  <td>{MATCHED[h.matched]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </ConsoleLayout>
  )
}

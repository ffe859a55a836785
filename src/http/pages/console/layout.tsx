import type { ReactNode } from 'react'
import type { Session } from '../../../store/sessions.ts'
import type { StoreInfo } from '../render.ts'

export type ConsoleSection = 'worklist' | 'suppliers' | 'dashboard' | 'order' | 'login' | 'search'

/** The console's frame: navigation, who is logged in, logout (a POST with the CSRF token). */
export function ConsoleLayout(p: { store: StoreInfo; title: string; session: Session | null; section: ConsoleSection; scripts?: string[]; query?: string; children: ReactNode }) {
  const nav: [ConsoleSection, string, string][] = [
    ['worklist', 'Worklist', '/console'],
    ['suppliers', 'Suppliers', '/console/suppliers'],
    ['dashboard', 'Dashboard', '/console/dashboard'],
  ]
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${p.title} — ${p.store.name} console`}</title>
        <link rel="stylesheet" href="/assets/console.css" />
        {(p.scripts ?? []).map((s) => <script key={s} src={s} defer />)}
      </head>
      <body>
        <a className="skip" href="#main">Skip to content</a>
        <header className="bar">
          <span className="brand">{p.store.name} · console</span>
          {p.session && (
            <nav aria-label="Console">
              <ul>
                {nav.map(([key, label, href]) => (
                  <li key={key}><a href={href} aria-current={p.section === key ? 'page' : undefined}>{label}</a></li>
                ))}
              </ul>
            </nav>
          )}
          {p.session && <SearchBox query={p.query ?? ''} />}
          {p.session && (
            <form method="post" action="/console/logout" className="logout">
              <input type="hidden" name="_csrf" value={p.session.csrfToken} />
              <span className="who">{p.session.email} ({p.session.role})</span>
              <button type="submit">Log out</button>
            </form>
          )}
        </header>
        <main id="main" tabIndex={-1}>{p.children}</main>
        <footer className="bar-foot">{p.store.name} · {p.store.phone} · {p.store.supportEmail}</footer>
      </body>
    </html>
  )
}

/** One box for an order number, email, phone, name or postal code, on every console page. */
function SearchBox({ query }: { query: string }) {
  return (
    <form method="get" action="/console/search" role="search" className="search">
      <label htmlFor="console-search" className="sr-only">Search orders by number, email, phone, name or postal code</label>
      <input id="console-search" type="search" name="q" defaultValue={query} maxLength={200} autoComplete="off"
        placeholder="Order #, email, phone, name, postal code" />
      <button type="submit">Search</button>
    </form>
  )
}

/** The hidden CSRF field every console form carries. */
export function Csrf({ session }: { session: Session }) {
  return <input type="hidden" name="_csrf" value={session.csrfToken} />
}

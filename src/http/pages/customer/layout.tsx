import type { ReactNode } from 'react'
import { telHref, type StoreInfo } from '../render.ts'

/** The customer pages' frame: the store's name at the top, its phone and email at the bottom. */
export function CustomerLayout({ store, title, children }: { store: StoreInfo; title: string; children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${store.name}`}</title>
        <link rel="stylesheet" href="/assets/customer.css" />
        <script src="/assets/customer.js" defer />
      </head>
      <body>
        <a className="skip" href="#main">Skip to content</a>
        <header className="site">
          <a className="brand" href="/">{store.name}</a>
        </header>
        <main id="main" tabIndex={-1}>{children}</main>
        <StoreContact store={store} />
      </body>
    </html>
  )
}

export function StoreContact({ store }: { store: StoreInfo }) {
  return (
    <footer className="site">
      <p>
        Questions? Call <a href={telHref(store.phone)}>{store.phone}</a> (toll-free) or email{' '}
        <a href={`mailto:${store.supportEmail}`}>{store.supportEmail}</a>.
      </p>
      <p className="small">{store.name}</p>
    </footer>
  )
}

import type { StoreInfo } from '../render.ts'
import { ConsoleLayout } from './layout.tsx'

/** `GET /console` without a session: the login form. */
export function LoginPage(p: { store: StoreInfo; csrf: string; email?: string; error?: string; loggedOut?: boolean }) {
  return (
    <ConsoleLayout store={p.store} title="Log in" session={null} section="login">
      <div className="login">
        <h1>Log in</h1>
        {p.loggedOut && <p role="status" className="notice ok">You are logged out.</p>}
        {p.error && <p role="alert" className="notice error">{p.error}</p>}
        <form method="post" action="/console/login">
          <input type="hidden" name="_csrf" value={p.csrf} />
          <div className="field">
            <label htmlFor="email">Email</label>
            <input id="email" name="email" type="email" required autoComplete="username" defaultValue={p.email ?? ''} maxLength={320} />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input id="password" name="password" type="password" required autoComplete="current-password" maxLength={1000} />
          </div>
          <button type="submit" className="primary">Log in</button>
        </form>
      </div>
    </ConsoleLayout>
  )
}

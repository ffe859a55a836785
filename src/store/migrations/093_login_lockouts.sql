-- Console login lock-outs move to lookup_failures (src/http/lookup-guard.ts): keyed on the user
-- record (scope login-user, the user id) or, for an email with no user, on the email as the
-- database lower-cases it (login-email), beside a per-client count (login-client). The old table
-- was keyed on the email lower-cased in JavaScript, which the user lookup's SQL lower() does not
-- always agree with (a Turkish dotted capital I): one user, several counters.
DROP TABLE login_failures;

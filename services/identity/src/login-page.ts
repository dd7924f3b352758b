import { tokensCss } from '@atrium/design-tokens';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The login pages' stylesheet, served as a file so the CSP needs no 'unsafe-inline'. */
export const LOGIN_CSS = `${tokensCss(':root')}
*, *::before, *::after { box-sizing: border-box; }
body {
  margin: 0; min-height: 100vh; display: grid; place-items: center;
  font-family: var(--atrium-font-family); font-size: var(--atrium-font-size-body);
  line-height: var(--atrium-line-height);
  background: var(--atrium-color-surface-container); color: var(--atrium-color-on-surface);
}
main {
  width: min(100% - 2 * var(--atrium-space-m), 400px); padding: var(--atrium-space-xl);
  background: var(--atrium-color-surface); border-radius: var(--atrium-shape-corner-large);
  box-shadow: var(--atrium-elevation-level1);
}
.brand { font-size: var(--atrium-font-size-title); font-weight: var(--atrium-font-weight-bold);
  color: var(--atrium-color-primary); margin: 0 0 var(--atrium-space-s); }
h1 { font-size: var(--atrium-font-size-headline); font-weight: var(--atrium-font-weight-regular); margin: 0 0 var(--atrium-space-l); }
label { display: block; font-weight: var(--atrium-font-weight-medium); margin: var(--atrium-space-m) 0 var(--atrium-space-xs); }
input {
  width: 100%; padding: 12px var(--atrium-space-m); font: inherit; color: inherit;
  background: var(--atrium-color-surface); border: 1px solid var(--atrium-color-outline);
  border-radius: var(--atrium-shape-corner-small);
}
input:focus-visible, button:focus-visible, a:focus-visible {
  outline: 3px solid var(--atrium-color-focus-ring); outline-offset: 2px;
}
button {
  margin-top: var(--atrium-space-l); width: 100%; padding: 12px var(--atrium-space-m); font: inherit;
  font-weight: var(--atrium-font-weight-medium); border: 0; border-radius: var(--atrium-shape-corner-full);
  background: var(--atrium-color-primary); color: var(--atrium-color-on-primary); cursor: pointer;
}
button.secondary { background: transparent; color: var(--atrium-color-primary); border: 1px solid var(--atrium-color-outline); }
.actions { display: grid; gap: var(--atrium-space-s); }
.actions button { margin-top: 0; }
.error {
  margin: 0 0 var(--atrium-space-m); padding: var(--atrium-space-s) var(--atrium-space-m);
  border-radius: var(--atrium-shape-corner-small);
  background: var(--atrium-color-error-container); color: var(--atrium-color-on-error-container);
}
a { color: var(--atrium-color-primary); }
`;

/** A whole page in the login look; `body` is trusted HTML built by this module's callers. */
export function renderPage(basePath: string, page: { title: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Atrium</title>
<link rel="stylesheet" href="${escapeHtml(basePath)}/assets/login.css">
</head>
<body>
<main>
<p class="brand">Atrium</p>
${page.body}
</main>
</body>
</html>`;
}

/** The sign-in form: labelled fields, one generic error, the CSRF token, no script. */
export function renderLoginForm(
  basePath: string,
  form: { uid: string; csrfToken: string; username: string; error: string | undefined },
): string {
  const action = `${basePath}/interaction/${encodeURIComponent(form.uid)}/login`;
  const error =
    form.error === undefined
      ? ''
      : `<p class="error" role="alert" id="login-error">${escapeHtml(form.error)}</p>`;
  const described = form.error === undefined ? '' : ' aria-describedby="login-error"';
  // Focus goes where the person has work to do: the username, or the password after an error.
  const focusUser = form.username === '' ? ' autofocus' : '';
  const focusPassword = form.username === '' ? '' : ' autofocus';
  return renderPage(basePath, {
    title: 'Sign in',
    body: `<h1>Sign in</h1>
${error}<form method="post" action="${escapeHtml(action)}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(form.csrfToken)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(form.username)}"${focusUser}${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword}${described}>
<button type="submit">Sign in</button>
</form>`,
  });
}

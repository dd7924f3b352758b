import { LOGIN_ASSETS } from './login-assets.ts';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page in the login look; `body` is trusted HTML built by this module's callers. */
export function renderPage(basePath: string, page: { title: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Atrium</title>
<link rel="stylesheet" href="${escapeHtml(basePath + LOGIN_ASSETS.stylesheet.path)}">
<link rel="icon" type="image/svg+xml" href="${escapeHtml(basePath + LOGIN_ASSETS.icon.path)}">
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

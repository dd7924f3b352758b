// The page a silent sign-in's hidden iframe lands on (ADR 0405): it hands the provider's answer —
// this URL, with the code and state or the error — to the shell that framed it, on this origin
// only. The message is the one oidc-client-ts's `UserManager.signinSilent` waits for
// (`{ source: 'oidc-client', url, keepOpen }`); loading the whole library here would cost the
// page start-up what the iframe is meant to save. Opened on its own, it goes to the shell.
if (window.parent === window) window.location.replace('/');
else
  window.parent.postMessage(
    { source: 'oidc-client', url: window.location.href, keepOpen: false },
    window.location.origin,
  );

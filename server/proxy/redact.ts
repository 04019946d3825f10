// Log redaction for the proxy (node side, S22): query values (token requests carry account/scope, presigned blob
// URLs carry signatures) and userinfo never reach a log line. Header values are never logged at all.

/** Replaces every query value and any user:password@ in a URL or proxy path with "<redacted>". */
export function redactUrl(text: string): string {
  const noUser = text.replace(/\/\/[^/?#@]*@/g, '//<redacted>@');
  const q = noUser.indexOf('?');
  if (q < 0) return noUser;
  const query = noUser.slice(q + 1).split('#', 1)[0] ?? '';
  const safe = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? (pair === '' ? '' : '<redacted>') : `${pair.slice(0, eq)}=<redacted>`;
  });
  return `${noUser.slice(0, q)}?${safe.join('&')}`;
}

/** Redacts every URL found inside a free-text message (error messages can quote upstream URLs). */
export function redactText(text: string): string {
  return text.replace(/(?:https?:)?\/\/[^\s"'<>]+|\/proxy\/[^\s"'<>]+/g, (url) => redactUrl(url))
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 <redacted>');
}

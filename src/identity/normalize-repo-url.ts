// A git remote as one stable, credential-free name: `host/owner/repo`.
// `git@github.com:acme/app.git`, `ssh://git@github.com/acme/app`,
// `https://user:token@github.com/acme/app.git` → `github.com/acme/app`.
export function normalizeRepoUrl(remote: string): string | undefined {
  const raw = remote.trim();
  if (!raw) return undefined;
  let host: string;
  let path: string;
  // scp-like syntax has no scheme: [user@]host:path
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(raw);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && scp) {
    host = scp[1];
    path = scp[2];
  } else {
    let url: URL;
    try {
      // `github.com/acme/app`, as a template header may carry it: a URL without its scheme.
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
    } catch {
      return undefined;
    }
    // `URL` keeps the credentials apart; dropping them here is the point.
    host = url.hostname;
    path = url.pathname;
  }
  path = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/i, '');
  if (!host || !path) return undefined;
  return `${host.toLowerCase()}/${path}`;
}

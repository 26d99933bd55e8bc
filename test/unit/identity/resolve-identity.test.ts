import { describe, expect, it } from 'vitest';
import { normalizeRepoUrl } from '../../../src/identity/normalize-repo-url.js';
import { resolveIdentity } from '../../../src/identity/resolve-identity.js';

describe('normalizeRepoUrl', () => {
  it.each([
    ['git@github.com:acme/app.git', 'github.com/acme/app'],
    ['https://user:token@github.com/acme/app', 'github.com/acme/app'],
    ['https://github.com/acme/app.git/', 'github.com/acme/app'],
    ['ssh://git@gitlab.example.com:2222/group/sub/app.git', 'gitlab.example.com/group/sub/app'],
    ['GitHub.com/acme/app', 'github.com/acme/app'],
  ])('%s → %s', (remote, repo) => {
    expect(normalizeRepoUrl(remote)).toBe(repo);
  });

  it('gives nothing for what is not a remote', () => {
    expect(normalizeRepoUrl('')).toBeUndefined();
    expect(normalizeRepoUrl('https://github.com/')).toBeUndefined();
  });
});

describe('resolveIdentity', () => {
  const config = { routes: [], attributes: { 'fi.attributes.user.id': '${headers.x-developer-email}', 'fi.attributes.repo': '${headers.x-repo}', 'fi.attributes.team': 'team-${headers.x-team}', leak: '${headers.authorization}' } };

  it('reads the configured attributes under their own names, and developer/team/repo from them', () => {
    const r = resolveIdentity({ 'x-developer-email': 'dev@example.com', 'x-repo': 'git@github.com:acme/app.git', 'x-team': 'payments', authorization: 'Bearer secret' }, config);
    expect(r.attributes).toEqual({ 'fi.attributes.user.id': 'dev@example.com', 'fi.attributes.repo': 'git@github.com:acme/app.git', 'fi.attributes.team': 'team-payments' });
    expect(r.identity).toEqual({ developer: 'dev@example.com', team: 'team-payments', repo: 'github.com/acme/app', requestKind: 'turn' });
  });

  it("falls back to Codex's turn metadata: session, turn, request kind and the workspace's origin remote", () => {
    const metadata = { session_id: 's1', turn_id: 't1', request_kind: 'compaction', workspaces: { '/w': { associated_remote_urls: { upstream: 'git@github.com:other/x.git', origin: 'https://u:p@github.com/acme/app.git' } } } };
    const r = resolveIdentity({ 'session-id': 's0', 'x-codex-turn-metadata': JSON.stringify(metadata) }, config);
    expect(r.identity).toEqual({ repo: 'github.com/acme/app', sessionId: 's0', turnId: 't1', requestKind: 'compaction' });
    expect(r.attributes).toEqual({});
  });

  it('the gateway key owner wins over headers', () => {
    const r = resolveIdentity({ 'x-developer-email': 'claimed@example.com' }, config, { developer: 'owner@example.com', team: 'core' });
    expect(r.identity).toMatchObject({ developer: 'owner@example.com', team: 'core' });
  });

  it('survives malformed metadata', () => {
    expect(resolveIdentity({ 'x-codex-turn-metadata': '{not json' }, config).identity).toEqual({ requestKind: 'turn' });
  });
});

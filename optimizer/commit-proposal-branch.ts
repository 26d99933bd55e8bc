// Commits a proposal on a new branch of a git work tree without touching the work tree,
// its index or the checked-out branch: blobs and a tree are written with git's plumbing
// into a private index, then a commit on top of HEAD and a branch pointing at it. Nothing
// is pushed; teams turn the branch into a pull request in their CI (README).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProposalCommit {
  workTree: string;
  branch: string;
  message: string;
  // Path in the repository → new content.
  files: Record<string, string>;
  author?: { name: string; email: string };
}

export async function commitProposalBranch(p: ProposalCommit): Promise<{ branch: string; commit: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'proposal-index-'));
  const env = {
    ...process.env,
    GIT_INDEX_FILE: join(dir, 'index'),
    GIT_AUTHOR_NAME: p.author?.name ?? 'codex-gateway optimizer',
    GIT_AUTHOR_EMAIL: p.author?.email ?? 'optimizer@codex-gateway.invalid',
    GIT_COMMITTER_NAME: p.author?.name ?? 'codex-gateway optimizer',
    GIT_COMMITTER_EMAIL: p.author?.email ?? 'optimizer@codex-gateway.invalid',
  };
  const git = async (args: string[], input?: string) => {
    const child = run('git', ['-C', p.workTree, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
    if (input !== undefined) {
      child.child.stdin!.end(input);
    }
    return (await child).stdout.trim();
  };
  try {
    if ((await git(['branch', '--list', p.branch])) !== '') throw new Error(`branch ${p.branch} already exists`);
    const head = await git(['rev-parse', 'HEAD']);
    await git(['read-tree', head]);
    for (const [path, content] of Object.entries(p.files)) {
      const blob = await git(['hash-object', '-w', '--stdin'], content);
      await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`]);
    }
    const tree = await git(['write-tree']);
    const commit = await git(['commit-tree', tree, '-p', head, '-m', p.message]);
    await git(['branch', p.branch, commit]);
    return { branch: p.branch, commit };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

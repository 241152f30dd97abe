import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { demoWorkspaceDir, enclosingGitRepository } from '../../../scripts/demo';
import { projectRoot } from '../../runner/vscode';

describe('npm start: the demo workspace', () => {
  it('lies outside the clone, so VS Code finds no git repository in its parent folders', () => {
    const workspace = demoWorkspaceDir();
    const relative = path.relative(projectRoot, workspace);
    assert.ok(relative.startsWith('..') || path.isAbsolute(relative), `${workspace} is inside ${projectRoot}`);
    // Whatever repository (if any) holds the user's cache folder, it is not the clone's.
    const cloneRepository = enclosingGitRepository(projectRoot);
    assert.ok(cloneRepository, 'the clone is a git repository');
    assert.notStrictEqual(enclosingGitRepository(path.dirname(workspace)), cloneRepository);
  });

  it('follows XDG_CACHE_HOME when it is an absolute path, and ignores a relative one', () => {
    assert.strictEqual(demoWorkspaceDir({ XDG_CACHE_HOME: '/var/cache/me' }), path.join('/var/cache/me', 'media-studio-demo', 'workspace'));
    assert.strictEqual(
      demoWorkspaceDir({ XDG_CACHE_HOME: 'relative' }),
      path.join(os.homedir(), '.cache', 'media-studio-demo', 'workspace'),
    );
  });

  it('finds the nearest folder holding .git, and none above a folder without', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-demo-git-'));
    try {
      fs.mkdirSync(path.join(root, 'repo', '.git', 'objects'), { recursive: true });
      fs.mkdirSync(path.join(root, 'repo', 'a', 'b'), { recursive: true });
      assert.strictEqual(enclosingGitRepository(path.join(root, 'repo', 'a', 'b')), path.join(root, 'repo'));
      assert.strictEqual(enclosingGitRepository(path.join(root, 'repo')), path.join(root, 'repo'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

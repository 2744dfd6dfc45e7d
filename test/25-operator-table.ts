// The README's operator table is the one the op families describe.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { supportedOps } from '../lib/index';
import { operatorTable, withOperatorTable } from '../lib/ops/operator-table';

t.test('README.md carries the current operator table', async (t) => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  t.equal(withOperatorTable(readme), readme, 'up to date (run `npm run docs:operators` after changing an op family)');
  const table = operatorTable();
  for (const op of supportedOps()) t.match(table, new RegExp(`^\\| ${op} \\|`, 'm'), `${op} is listed`);
});

// junit-count: the pass/fail count of JUnit XML files, for CI's closing line.
//   node scripts/junit-count.mjs reports            every *-junit.xml in the folder
//   node scripts/junit-count.mjs a.xml b.xml        these files
// Prints one line per file on stderr and the sum on stdout: `N passed, M failed` (`, K skipped` when
// some were), where failed counts failures and errors. Exit code 0 when nothing failed, 1 when
// something did, 2 when there is nothing to count (no file, not JUnit, no test case).
//
// It counts <testcase> elements rather than trusting the root's attributes: vitest's <testsuites>
// root has tests and failures but no skipped, and a file that fails to load is one failed testcase.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function refuse(message) {
  console.error(`junit-count: ${message}`);
  process.exit(2);
}

/** The files to count: the arguments, with each folder replaced by its *-junit.xml files. */
function junitFiles(args) {
  return args.flatMap((arg) => {
    let isDir;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      refuse(`${arg}: no such file or folder`);
    }
    if (!isDir) return [arg];
    return readdirSync(arg)
      .filter((name) => name.endsWith('-junit.xml'))
      .sort()
      .map((name) => join(arg, name));
  });
}

/** Counts of one JUnit document: each testcase is an error, a failure, skipped, or passed. */
function countJUnit(xml) {
  // Comments and CDATA (captured output) may contain anything, element-like text included.
  const text = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  if (!/<testsuites?[\s>]/.test(text)) return undefined;
  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  // A testcase opening tag (attribute values quoted, so a '>' inside one does not end it), then
  // either '/>' or a body up to its '</testcase>'.
  const testcase = /<testcase(?:\s+[^\s=>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(\/?)>/g;
  for (let match; (match = testcase.exec(text)); ) {
    counts.tests += 1;
    if (match[1] === '/') continue;
    const end = text.indexOf('</testcase>', testcase.lastIndex);
    const body = text.slice(testcase.lastIndex, end === -1 ? text.length : end);
    if (/<error[\s/>]/.test(body)) counts.errors += 1;
    else if (/<failure[\s/>]/.test(body)) counts.failures += 1;
    else if (/<skipped[\s/>]/.test(body)) counts.skipped += 1;
  }
  return counts;
}

const args = process.argv.slice(2);
if (args.length === 0) refuse('usage: node scripts/junit-count.mjs FOLDER|FILE...');
const files = junitFiles(args);
if (files.length === 0) refuse(`no *-junit.xml file in ${args.join(', ')}`);

const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
for (const file of files) {
  const counts = countJUnit(readFileSync(file, 'utf8'));
  if (!counts) refuse(`${file} is not JUnit XML`);
  console.error(`${file}: ${counts.tests} tests, ${counts.failures} failures, ${counts.errors} errors, ${counts.skipped} skipped`);
  for (const key of Object.keys(total)) total[key] += counts[key];
}
if (total.tests === 0) refuse(`no test case in ${files.join(', ')}`);

const failed = total.failures + total.errors;
const passed = total.tests - failed - total.skipped;
console.log(`${passed} passed, ${failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);

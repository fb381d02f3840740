// Prints a closing line CI can read ("N passed, N failed, N skipped") after jasmine's own summary.
let passed = 0;
let failed = 0;
let skipped = 0;

jasmine.getEnv().addReporter({
  specDone(result) {
    if (result.status === 'passed') passed++;
    else if (result.status === 'failed') failed++;
    else skipped++;
  },
  jasmineDone(result) {
    if (result.overallStatus === 'failed' && failed === 0) failed = 1; // suite-level failure (afterAll, load error)
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  },
});

// Emulator-backed specs start servers and move thousands of records; give them room on a 2-core machine.
jasmine.DEFAULT_TIMEOUT_INTERVAL = 30_000;

// nock intercepts every socket from the moment it is loaded, and its passthrough now and then cuts streamed responses
// short. Specs that talk to real servers (the emulator) must get real sockets, so interception is off by default and
// the nock specs switch it on around their own suites with `useNock()` (spec/support/useNock.ts).
import nock from 'nock';

nock.restore();

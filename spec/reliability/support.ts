/** The chaos org and its checks live with the full-size bench, which runs the same scenario at 10,000 records. */
export * from '../../bench/chaosOrg.js';

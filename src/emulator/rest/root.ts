/** `/services/data/` versions, the version root resource map, and `/limits`. */
import type { IncomingMessage } from 'node:http';
import { API_VERSIONS, type Core } from '../core.js';

export function versionsBody(): unknown[] {
  return API_VERSIONS.map(v => ({ label: v.label, url: `/services/data/v${v.version}`, version: v.version }));
}

const RESOURCES = ['tooling', 'metadata', 'eclair', 'folders', 'prechatForms', 'chatter', 'tabs', 'appMenu',
  'quickActions', 'queryAll', 'commerce', 'wave', 'iot', 'analytics', 'search', 'identity', 'composite',
  'parameterizedSearch', 'fingerprint', 'theme', 'nouns', 'event', 'serviceTemplates', 'recent', 'connect',
  'licensing', 'limits', 'process', 'async-queries', 'query', 'jobs', 'match', 'emailConnect', 'compactLayouts',
  'knowledgeManagement', 'sobjects', 'actions', 'support'];

export function resourcesBody(core: Core, req: IncomingMessage, version: string, userId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of RESOURCES) out[r] = `/services/data/v${version}/${r}`;
  out.identity = `${core.baseUrl(req)}/id/${core.org.orgId}/${userId}`;
  return out;
}

const lim = (max: number, used = 0) => ({ Max: max, Remaining: Math.max(0, max - used) });

/** Org limits; DailyApiRequests reflects the emulator's request counter. */
export function limitsBody(core: Core, extra: Record<string, { Max: number; Remaining: number }> = {}): Record<string, unknown> {
  const f = core.faults.get();
  return {
    ActiveScratchOrgs: lim(3), AnalyticsExternalDataSizeMB: lim(40960), ConcurrentAsyncGetReportInstances: lim(200),
    ConcurrentEinsteinDataInsightsStoryCreation: lim(5), ConcurrentSyncReportRuns: lim(20),
    DailyAnalyticsDataflowJobExecutions: lim(60), DailyApiRequests: lim(f.dailyApiLimit, core.faults.stats.apiRequests),
    DailyAsyncApexExecutions: lim(250000), DailyBulkApiBatches: lim(15000), DailyBulkV2QueryFileStorageMB: lim(976562),
    DailyBulkV2QueryJobs: lim(10000), DailyDurableGenericStreamingApiEvents: lim(10000),
    DailyDurableStreamingApiEvents: lim(10000), DailyGenericStreamingApiEvents: lim(10000),
    DailyStandardVolumePlatformEvents: lim(10000), DailyStreamingApiEvents: lim(10000), DailyWorkflowEmails: lim(2000),
    DataStorageMB: lim(5), FileStorageMB: lim(20), HourlyAsyncReportRuns: lim(1200), HourlyDashboardRefreshes: lim(200),
    HourlyDashboardResults: lim(5000), HourlyDashboardStatuses: lim(999999999), HourlyLongTermIdMapping: lim(100000),
    HourlyODataCallout: lim(20000), HourlyPublishedPlatformEvents: lim(50000),
    HourlyPublishedStandardVolumePlatformEvents: lim(50000), HourlyShortTermIdMapping: lim(100000),
    HourlySyncReportRuns: lim(500), HourlyTimeBasedWorkflow: lim(50), MassEmail: lim(10),
    MonthlyPlatformEventsUsageEntitlement: lim(0), PermissionSets: lim(1500), SingleEmail: lim(15),
    StreamingApiConcurrentClients: lim(20), ...extra,
  };
}

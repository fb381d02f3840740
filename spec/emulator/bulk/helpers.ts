/** Small request helpers shared by the bulk specs (raw HTTP, as any Bulk API 2.0 client would speak). */
import type { AxiosInstance, AxiosResponse } from 'axios';

export type Json = Record<string, unknown>;

export const body = (r: AxiosResponse): Json => JSON.parse(String(r.data)) as Json;

export async function createIngest(http: AxiosInstance, job: Json): Promise<Json> {
  const r = await http.post('/jobs/ingest', JSON.stringify(job), { headers: { 'Content-Type': 'application/json' } });
  if (r.status !== 200) throw new Error(`create failed: ${r.status} ${String(r.data)}`);
  return body(r);
}

export async function upload(http: AxiosInstance, id: string, csv: string | Buffer): Promise<AxiosResponse> {
  return http.put(`/jobs/ingest/${id}/batches`, csv, { headers: { 'Content-Type': 'text/csv' } });
}

export async function setState(http: AxiosInstance, kind: 'ingest' | 'query', id: string, state: string): Promise<AxiosResponse> {
  return http.patch(`/jobs/${kind}/${id}`, JSON.stringify({ state }), { headers: { 'Content-Type': 'application/json' } });
}

const FINAL = ['JobComplete', 'Failed', 'Aborted'];

/** Polls job info until the job reaches a final state (10 ms apart, 20 s at most). */
export async function waitForJob(http: AxiosInstance, kind: 'ingest' | 'query', id: string): Promise<Json> {
  const until = Date.now() + 20_000;
  for (;;) {
    const info = body(await http.get(`/jobs/${kind}/${id}`));
    if (FINAL.includes(String(info.state))) return info;
    if (Date.now() > until) throw new Error(`job ${id} still ${String(info.state)}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

/** Runs a whole ingest job (create, one upload, close, wait) and returns its final info. */
export async function runIngest(http: AxiosInstance, job: Json, csv: string): Promise<Json> {
  const { id } = await createIngest(http, job);
  await upload(http, String(id), csv);
  await setState(http, 'ingest', String(id), 'UploadComplete');
  return waitForJob(http, 'ingest', String(id));
}

export async function results(http: AxiosInstance, id: string, which: string): Promise<string> {
  const r = await http.get(`/jobs/ingest/${id}/${which}/`);
  if (r.status !== 200) throw new Error(`${which}: ${r.status} ${String(r.data)}`);
  return String(r.data);
}

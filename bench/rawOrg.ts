/**
 * What the benchmarks share: the emulator's default credentials, and the ideal bound's client — plain axios with a
 * keep-alive agent, logged in with the password flow, and nothing else of a Salesforce client.
 */
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';

export const CREDENTIALS = {
  username: 'admin@rxforce.local', password: 'rxforce', consumerKey: 'rxforce-local-key', consumerSecret: 'rxforce-local-secret',
};

/** An axios instance on the org's instance URL (plus `basePath`), with its access token set. */
export async function rawHttp(loginUrl: string, basePath = '', config: CreateAxiosDefaults = {}): Promise<AxiosInstance> {
  const axios = (await import('axios')).default;
  const { Agent } = await import('node:http');
  const token = await axios.post(`${loginUrl}/services/oauth2/token`, new URLSearchParams({
    grant_type: 'password', username: CREDENTIALS.username, password: CREDENTIALS.password,
    client_id: CREDENTIALS.consumerKey, client_secret: CREDENTIALS.consumerSecret,
  }).toString(), { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  const { access_token: accessToken, instance_url: instanceUrl } = token.data as { access_token: string; instance_url: string };
  return axios.create({
    ...config, baseURL: `${instanceUrl}${basePath}`, httpAgent: new Agent({ keepAlive: true }),
    headers: { Authorization: `Bearer ${accessToken}` },
  });
}

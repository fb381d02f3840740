import { InjectionToken } from '@angular/core';
import type { SalesforceClient } from '../../../src/index.js';

/** The app's Salesforce connection. */
export const RXFORCE_CLIENT = new InjectionToken<SalesforceClient>('rxforce SalesforceClient');

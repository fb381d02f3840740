/**
 * The app's own sign-in, handed to rxforce: the OAuth web server flow with PKCE, so the page holds no consumer secret
 * and the code is useless without the verifier kept in this tab's sessionStorage. The client is provided signed out
 * (`provideRxforce` without a login); the callback hands it the code with `client.signIn(authorizationCodeLogin(…))`.
 */
import { inject, InjectionToken } from '@angular/core';
import { authorizationCodeLogin, authorizeUrl, createPkcePair } from 'rxforce';
import { injectRxforceClient } from 'rxforce/angular';

export interface SignInSettings {
  /** The org's login URL (the emulator's URL locally). */
  loginUrl: string;
  /** The Connected App's consumer key. */
  consumerKey: string;
  /** This page, registered as the Connected App's callback. */
  redirectUri: string;
}

export const SIGN_IN_SETTINGS = new InjectionToken<SignInSettings>('sign-in settings');
/** Where the verifier and the anti-CSRF state wait during the round trip (the tab's sessionStorage in the browser). */
export const SIGN_IN_STORAGE = new InjectionToken<Storage>('sign-in storage');

const KEY = 'rxforce.angular.';

export class SignIn {
  private readonly client = injectRxforceClient();
  private readonly settings = inject(SIGN_IN_SETTINGS);
  private readonly storage = inject(SIGN_IN_STORAGE);

  /** The authorize URL to send the browser to; the verifier and state are kept for the callback. */
  async start(): Promise<string> {
    const pkce = await createPkcePair();
    const state = crypto.randomUUID();
    this.storage.setItem(KEY + 'verifier', pkce.codeVerifier);
    this.storage.setItem(KEY + 'state', state);
    return authorizeUrl({ loginUrl: this.settings.loginUrl, consumerKey: this.settings.consumerKey, redirectUri: this.settings.redirectUri,
      codeChallenge: pkce.codeChallenge, state, scope: 'api refresh_token' });
  }

  /**
   * On the callback (`?code=…&state=…`) hands the code to the client and returns true; false on any other page.
   * Throws when Salesforce refused, or when the state is not the one this tab sent (a forged callback).
   */
  complete(url: URL): boolean {
    const code = url.searchParams.get('code');
    if (!code) {
      const denied = url.searchParams.get('error_description') ?? url.searchParams.get('error');
      if (denied) throw new Error(`Login refused: ${denied}`);
      return false;
    }
    const expected = this.storage.getItem(KEY + 'state');
    const codeVerifier = this.storage.getItem(KEY + 'verifier');
    this.storage.removeItem(KEY + 'state');
    this.storage.removeItem(KEY + 'verifier');
    if (!expected || url.searchParams.get('state') !== expected || !codeVerifier) {
      throw new Error('This login callback does not match a login started in this tab');
    }
    this.client.signIn(authorizationCodeLogin({ loginUrl: this.settings.loginUrl, consumerKey: this.settings.consumerKey,
      redirectUri: this.settings.redirectUri, code, codeVerifier }));
    return true;
  }
}

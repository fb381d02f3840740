/** The page: a sign-in button, then (after the OAuth callback) who is signed in and the Accounts. */
import { ChangeDetectionStrategy, Component, inject, InjectionToken, signal } from '@angular/core';
import { redact } from 'rxforce';
import { injectRxforceClient, toSignalState } from 'rxforce/angular';
import { AccountsComponent } from './accounts.component.js';
import { SignIn } from './sign-in.js';

/** The page's address and how to leave it (the browser's `location`; specs pass their own). */
export interface PageLocation {
  readonly href: string;
  assign(url: string): void;
  /** Drops the single-use code from the address bar and history. */
  replace(url: string): void;
}
export const PAGE_LOCATION = new InjectionToken<PageLocation>('page location');

@Component({
  selector: 'rx-app',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AccountsComponent],
  template: `
    @if (session?.value(); as s) {
      <p id="status">Signed in to {{ host(s.instanceUrl) }}</p>
      <rx-accounts />
    } @else if (session?.loading()) {
      <p id="status">Signing in…</p>
    } @else {
      <p id="status">Signed out</p>
      <button type="button" id="login" [disabled]="leaving()" (click)="signIn()">Sign in with Salesforce</button>
    }
    @if (error() ?? session?.errorMessage(); as message) { <p role="alert" id="error">{{ message }}</p> }
  `,
})
export class AppComponent {
  private readonly signInFlow = inject(SignIn);
  private readonly location = inject(PAGE_LOCATION);
  private readonly client = injectRxforceClient();
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly leaving = signal(false);
  /** Present once a callback handed the client its login: the code exchange, then the session. */
  protected readonly session = this.completeCallback() ? toSignalState(this.client.session$()) : undefined;

  protected host(instanceUrl: string): string {
    return new URL(instanceUrl).host;
  }

  protected signIn(): void {
    this.leaving.set(true);
    this.signInFlow.start().then(url => this.location.assign(url), (e: unknown) => {
      this.leaving.set(false);
      this.error.set(redact(e instanceof Error ? e.message : String(e)));
    });
  }

  private completeCallback(): boolean {
    try {
      const url = new URL(this.location.href);
      if (!this.signInFlow.complete(url)) return false;
      this.location.replace(url.origin + url.pathname);
      return true;
    } catch (e) {
      this.error.set(redact(e instanceof Error ? e.message : String(e)));
      return false;
    }
  }
}

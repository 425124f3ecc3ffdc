// Long-lived services tied to the open case's lifecycle (the live stream; the alert sender to
// come): each is started under a key, told when the case changes, and stopped with the host.
import type { CaseInfo } from '../../../src-shared/domain';

export interface Service {
  /** The case was opened, switched or closed (null). */
  caseChanged?(info: CaseInfo | null): void;
  /** Stops the service; resolves when it has stopped. */
  stop(): Promise<void>;
}

export class Services {
  private readonly running = new Map<string, Service>();

  /** Starts a service under `key` (replacing none: the key must be free). */
  add<S extends Service>(key: string, service: S): S {
    if (this.running.has(key)) throw new Error(`a service "${key}" is already running`);
    this.running.set(key, service);
    return service;
  }

  get(key: string): Service | undefined {
    return this.running.get(key);
  }

  /** A service ended by itself: it is no longer there. */
  remove(key: string): void {
    this.running.delete(key);
  }

  caseChanged(info: CaseInfo | null): void {
    for (const s of this.running.values()) s.caseChanged?.(info);
  }

  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.allSettled(all.map((s) => s.stop()));
  }
}

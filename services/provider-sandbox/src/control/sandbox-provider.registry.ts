import { Injectable } from '@nestjs/common';
import { notFound } from '@cardshop/platform';
import type { SandboxProvider } from './sandbox-provider';

/** Provider modules register here at init; the control API looks them up by name. */
@Injectable()
export class SandboxProviderRegistry {
  private readonly providers = new Map<string, SandboxProvider>();

  register(provider: SandboxProvider): void {
    this.providers.set(provider.name, provider);
  }

  get(name: string): SandboxProvider {
    const p = this.providers.get(name);
    if (!p) throw notFound('SANDBOX.UNKNOWN_PROVIDER', `no simulated provider "${name}"`);
    return p;
  }

  all(): SandboxProvider[] {
    return [...this.providers.values()];
  }
}

import type { AppConfig } from './config';

type Namespace<T extends Rpc.DurableObjectBranded | undefined> = DurableObjectNamespace<T>;

/**
 * The namespace to create room ids in: `jurisdiction('eu')` in deployed configuration so that rooms only ever run
 * in the EU (Art. 44 ff. GDPR); local workerd does not implement jurisdictions, so local config leaves it empty.
 */
export function roomNamespace<T extends Rpc.DurableObjectBranded | undefined>(namespace: Namespace<T>, config: Pick<AppConfig, 'DO_JURISDICTION'>): Namespace<T> {
  return config.DO_JURISDICTION ? namespace.jurisdiction(config.DO_JURISDICTION) : namespace;
}

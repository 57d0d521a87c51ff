/** Injection token of the service's validated configuration object. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

export * from './element-context.ts';
export * from './element-events.ts';
export * from './registry.ts';
export * from './runtime-config.ts';
export * from './locale.ts';
export * from './label-catalogue.ts';
export * from './payment-input.ts';

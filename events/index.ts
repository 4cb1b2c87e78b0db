export * from './primitives';
export * from './identity';
export * from './resolution-events';
export * from './designation-events';
export * from './envelope';
export * from './catalogue';
export * from './decode-errors';
export * from './strict';

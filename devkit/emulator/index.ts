/** Programmatic API of the mfaguard Graph / ARM / identity-platform emulator. */
export { startEmulator, loopbackHost } from './server.js';
export { tenantMutator, type TenantMutator } from './delta.js';
export { DEFAULT_CLIENT, ALL_ROLES } from './identity.js';
export { defaultBuckets, directoryCapacity } from './limits.js';
export type {
  BucketName,
  BucketSpec,
  DenySpec,
  EmulatorClient,
  EmulatorHandle,
  EmulatorOptions,
  EmulatorStats,
  EmulatorTenantHandle,
  TenantEmulatorOptions,
  Family,
  FamilyStats,
  FaultKind,
  FaultOptions,
  LimitsOptions,
  WriteRecord,
} from './types.js';

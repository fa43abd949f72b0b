/** The rule catalog. Order is the order of reports. Rule ids are stable API. */
import azureOwner from './azure-owner-mfa/rule.js';
import azureWrite from './azure-write-mfa/rule.js';
import azureRead from './azure-read-mfa/rule.js';
import nonPrivileged from './nonprivileged-user-mfa/rule.js';
import directoryAdmin from './directory-admin-mfa/rule.js';
import registration from './mfa-registration/rule.js';
import caAzureManagement from './ca-azure-management/rule.js';
import mechanismConsistency from './mfa-mechanism-consistency/rule.js';
import policyQuality from './ca-policy-quality/rule.js';
import mandatoryMfaReadiness from './mandatory-mfa-readiness/rule.js';
import userAutomationAccount from './user-automation-account/rule.js';
import azureToolingVersion from './azure-tooling-version/rule.js';
import legacyAuthBlocked from './legacy-auth-blocked/rule.js';
import breakglassPhishingResistant from './breakglass-phishing-resistant/rule.js';
import type { Rule } from './types.js';

export const RULES: readonly Rule[] = [
  azureOwner, azureWrite, azureRead, directoryAdmin, nonPrivileged, registration, caAzureManagement, mechanismConsistency, policyQuality,
  // Sign-in evidence and break-glass rules (spec/signins.md)
  mandatoryMfaReadiness, userAutomationAccount, azureToolingVersion, legacyAuthBlocked, breakglassPhishingResistant,
];

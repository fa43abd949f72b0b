/**
 * Facts about registered authentication methods (Graph `authenticationMethod` objects, told apart by
 * `@odata.type`). Phishing-resistant = FIDO2 security keys and passkeys, Windows Hello for Business,
 * certificate-based authentication and platform credentials (macOS Platform SSO) — the methods
 * Microsoft's "Phishing-resistant MFA" authentication strength allows (spec/config.md,
 * `breakglass-phishing-resistant`).
 */
import type { AuthenticationMethod } from './types.js';

export const PHISHING_RESISTANT_METHOD_TYPES: ReadonlySet<string> = new Set([
  '#microsoft.graph.fido2AuthenticationMethod',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
  '#microsoft.graph.x509CertificateAuthenticationMethod',
  '#microsoft.graph.platformCredentialAuthenticationMethod',
]);

export function isPhishingResistantMethod(method: AuthenticationMethod): boolean {
  return PHISHING_RESISTANT_METHOD_TYPES.has(method['@odata.type'] ?? '');
}

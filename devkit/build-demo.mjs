#!/usr/bin/env node
/**
 * Builds the bundled demo tenant "Northwind Traders" (demo/tenant.json) used by `mfaguard scan --demo`
 * and by test/demo.test.ts. Plain Node ESM, no dependencies, fully deterministic: ids come from a
 * seeded PRNG keyed by a stable name, filler data from one seeded PRNG stream, all dates are fixed.
 *
 * Every object keeps the exact Microsoft Graph (beta where noted) / Azure Resource Manager shape and
 * property names (spec/snapshot.md). The story accounts and the pitfalls they show are described
 * in demo/README.md.
 *
 *   node devkit/build-demo.mjs               writes demo/tenant.json
 *   node devkit/build-demo.mjs <out.json>    writes the same snapshot elsewhere (used by the tests)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// Shared with the synthetic generator (compiled by `npm run build`): one hash, one copy of Graph's built-in strengths.
import { hashString } from '../dist/devkit/gen/random.js';
import { BUILTIN_STRENGTHS } from '../dist/devkit/gen/data.js';

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

const SEED = 20261101;


/** mulberry32 PRNG: returns floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stable GUID (version-4 layout) for a name: the same key always gives the same id. */
const guidCache = new Map();
function guid(key) {
  const cached = guidCache.get(key);
  if (cached) return cached;
  const r = mulberry32(SEED ^ hashString(key));
  const bytes = Array.from({ length: 16 }, () => Math.floor(r() * 256));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  for (const [k, v] of guidCache) if (v === id && k !== key) throw new Error(`guid collision: ${k} / ${key}`);
  guidCache.set(key, id);
  return id;
}

/** One PRNG stream for filler data; consumed in a fixed order. */
const rand = mulberry32(SEED);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;

/** A fixed-format ISO time between two dates (whole seconds, ".0000000Z"-free like most Graph list output). */
function dateBetween(from, to) {
  const a = Date.parse(from);
  const b = Date.parse(to);
  const t = a + Math.floor(rand() * ((b - a) / 1000)) * 1000;
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

/** Graph unifiedRoleAssignment ids are base64url(roleDefinitionId bytes ++ principalId bytes) + "-1". */
function guidBytesLE(g) {
  const h = g.replace(/-/g, '');
  const b = Buffer.from(h, 'hex');
  const out = Buffer.alloc(16);
  out[0] = b[3]; out[1] = b[2]; out[2] = b[1]; out[3] = b[0];
  out[4] = b[5]; out[5] = b[4];
  out[6] = b[7]; out[7] = b[6];
  b.copy(out, 8, 8, 16);
  return out;
}
const roleAssignmentId = (roleId, principalId) =>
  `${Buffer.concat([guidBytesLE(roleId), guidBytesLE(principalId)]).toString('base64url')}-1`;

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

const TENANT_ID = '5c1a6d3e-7b2f-4e8a-9d41-0b6c2f8e9a17';
const DEFAULT_DOMAIN = 'northwindtraders.onmicrosoft.com';
const DOMAIN = 'northwindtraders.com';
const COLLECTED_AT = '2026-11-01T08:00:00Z';
const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

const ARM_APP = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

const ROLE = {
  globalAdmin: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdmin: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  securityAdmin: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  exchangeAdmin: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  sharePointAdmin: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  conditionalAccessAdmin: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  helpdeskAdmin: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  billingAdmin: 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
  authenticationAdmin: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  applicationAdmin: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApplicationAdmin: '158c047a-c907-4556-b7ef-446551a6b5f7',
  passwordAdmin: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  privilegedAuthenticationAdmin: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  reportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
};

/** Built-in directory role definitions (beta shape, `$select`ed: no rolePermissions). */
const ROLE_DEFINITIONS = [
  [ROLE.globalAdmin, 'Global Administrator', 'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.', true],
  [ROLE.privilegedRoleAdmin, 'Privileged Role Administrator', 'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.', true],
  [ROLE.securityAdmin, 'Security Administrator', 'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.', true],
  [ROLE.userAdmin, 'User Administrator', 'Can manage all aspects of users and groups, including resetting passwords for limited admins.', true],
  [ROLE.exchangeAdmin, 'Exchange Administrator', 'Can manage all aspects of the Exchange product.', false],
  [ROLE.sharePointAdmin, 'SharePoint Administrator', 'Can manage all aspects of the SharePoint service.', false],
  [ROLE.conditionalAccessAdmin, 'Conditional Access Administrator', 'Can manage Conditional Access capabilities.', true],
  [ROLE.helpdeskAdmin, 'Helpdesk Administrator', 'Can reset passwords for non-administrators and Helpdesk Administrators.', true],
  [ROLE.billingAdmin, 'Billing Administrator', 'Can perform common billing related tasks like updating payment information.', false],
  [ROLE.authenticationAdmin, 'Authentication Administrator', 'Can access to view, set and reset authentication method information for any non-admin user.', true],
  [ROLE.applicationAdmin, 'Application Administrator', 'Can create and manage all aspects of app registrations and enterprise apps.', true],
  [ROLE.cloudApplicationAdmin, 'Cloud Application Administrator', 'Can create and manage all aspects of app registrations and enterprise apps except App Proxy.', true],
  [ROLE.passwordAdmin, 'Password Administrator', 'Can reset passwords for non-administrators and Password Administrators.', true],
  [ROLE.privilegedAuthenticationAdmin, 'Privileged Authentication Administrator', 'Can access to view, set and reset authentication method information for any user (admin or non-admin).', true],
  [ROLE.globalReader, 'Global Reader', 'Can read everything that a Global Administrator can, but not update anything.', true],
  [ROLE.reportsReader, 'Reports Reader', 'Can read sign-in and audit reports.', false],
].map(([id, displayName, description, isPrivileged]) => ({
  id,
  description,
  displayName,
  isBuiltIn: true,
  isEnabled: true,
  isPrivileged,
  resourceScopes: ['/'],
  templateId: id,
  version: '1',
}));

const AZ = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  userAccessAdmin: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  vmOperator: guid('azrole:Northwind VM Operator'),
  costReader: guid('azrole:Northwind Cost Reader'),
};

const MG = '/providers/Microsoft.Management/managementGroups/mg-northwind';
const SUB = {
  prod: guid('sub:Northwind-Production'),
  dev: guid('sub:Northwind-Development'),
  sandbox: guid('sub:Northwind-Sandbox'),
};
const subScope = (s) => `/subscriptions/${s}`;
const rgScope = (s, rg) => `/subscriptions/${s}/resourceGroups/${rg}`;

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

const users = [];
const usersByKey = new Map();
/** Everything the registration report / methods need, per user key. */
const registration = new Map();

const FIRST = ['Aaron', 'Abigail', 'Adrian', 'Aisha', 'Alan', 'Alice', 'Amara', 'Amelia', 'Andre', 'Ann', 'Arjun', 'Ava', 'Beatriz',
  'Ben', 'Bianca', 'Caleb', 'Carla', 'Carlos', 'Chen', 'Chloe', 'Clara', 'Daniel', 'Dara', 'David', 'Diego', 'Elena', 'Eli', 'Emma',
  'Erik', 'Fatima', 'Felix', 'Fiona', 'Gabriel', 'Grace', 'Hana', 'Harper', 'Hugo', 'Ines', 'Isaac', 'Ivy', 'Jack', 'Jade', 'James',
  'Jonas', 'Julia', 'Kai', 'Kara', 'Kenji', 'Leah', 'Leo', 'Lucia', 'Luis', 'Maya', 'Mei', 'Milan', 'Nadia', 'Noah', 'Nora', 'Omar',
  'Oscar', 'Paula', 'Quinn', 'Rafael', 'Rania', 'Rosa', 'Ruben', 'Sam', 'Sara', 'Sofia', 'Tariq', 'Theo', 'Uma', 'Victor', 'Wei',
  'Xavier', 'Yara', 'Zoe'];
const LAST = ['Abbott', 'Adeyemi', 'Alvarez', 'Andersen', 'Baker', 'Barnes', 'Becker', 'Bishop', 'Brooks', 'Castro', 'Chang', 'Clarke',
  'Costa', 'Dalton', 'Das', 'Duarte', 'Ellis', 'Evans', 'Farouk', 'Fischer', 'Fleming', 'Garcia', 'Grant', 'Gupta', 'Hale', 'Hansen',
  'Hayes', 'Ibrahim', 'Ito', 'Jensen', 'Kato', 'Keller', 'Khan', 'Kim', 'Larsen', 'Lindqvist', 'Lopez', 'Lund', 'Martin', 'Meyer',
  'Moreau', 'Murphy', 'Nakamura', 'Nguyen', 'Novak', 'Okafor', 'Olsen', 'Ortiz', 'Park', 'Patel', 'Perez', 'Quinn', 'Reyes',
  'Richter', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Sato', 'Svensson', 'Tan', 'Torres', 'Varga', 'Vogel', 'Walsh', 'Weber',
  'Young', 'Zhang'];

const usedUpns = new Set();
const slug = (s) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '');

/**
 * Adds a Graph user (beta `$select` of snapshot.md, plus department/jobTitle).
 * `key` is a stable handle used for ids and cross-references.
 */
function addUser(key, o) {
  if (usersByKey.has(key)) throw new Error(`duplicate user key ${key}`);
  const upn = o.upn;
  if (usedUpns.has(upn.toLowerCase())) throw new Error(`duplicate UPN ${upn}`);
  usedUpns.add(upn.toLowerCase());
  const external = upn.includes('#EXT#');
  const u = {
    id: guid(`user:${key}`),
    userPrincipalName: upn,
    displayName: o.displayName,
    givenName: o.givenName ?? null,
    surname: o.surname ?? null,
    mail: o.mail === undefined ? upn : o.mail,
    otherMails: o.otherMails ?? [],
    userType: o.userType ?? 'Member',
    accountEnabled: o.accountEnabled ?? true,
    creationType: o.creationType ?? null,
    externalUserState: o.externalUserState ?? null,
    externalUserStateChangeDateTime: o.externalUserStateChangeDateTime ?? null,
    identities: o.identities ?? (external
      ? [{ signInType: 'federated', issuer: 'ExternalAzureAD', issuerAssignedId: null }]
      : [{ signInType: 'userPrincipalName', issuer: DEFAULT_DOMAIN, issuerAssignedId: upn }]),
    onPremisesSyncEnabled: o.onPremisesSyncEnabled ?? null,
    createdDateTime: o.createdDateTime,
    department: o.department ?? null,
    jobTitle: o.jobTitle ?? null,
    perUserMfaState: o.perUserMfaState ?? 'disabled',
  };
  users.push(u);
  usersByKey.set(key, u);
  registration.set(key, o.registration ?? { methods: ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'] });
  return u;
}

const U = (key) => {
  const u = usersByKey.get(key);
  if (!u) throw new Error(`unknown user ${key}`);
  return u;
};

/** A filler employee with a generated name (UPN firstname.lastname@). */
function addFiller(dept, jobTitle) {
  let first;
  let last;
  let upn;
  do {
    first = pick(FIRST);
    last = pick(LAST);
    upn = `${slug(first)}.${slug(last)}@${DOMAIN}`;
  } while (usedUpns.has(upn));
  const key = `filler:${slug(first)}.${slug(last)}`;
  const r = rand();
  const registrationInfo = r < 0.07
    ? { methods: [] }
    : r < 0.1
      ? { methods: ['email'] }
      : r < 0.4
        ? { methods: ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'] }
        : r < 0.55
          ? { methods: ['mobilePhone'] }
          : r < 0.7
            ? { methods: ['microsoftAuthenticatorPush', 'passKeyDeviceBoundAuthenticator'] }
            : { methods: ['microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'mobilePhone'] };
  const u = addUser(key, {
    upn,
    displayName: `${first} ${last}`,
    givenName: first,
    surname: last,
    department: dept,
    jobTitle,
    onPremisesSyncEnabled: chance(0.75) ? true : null,
    createdDateTime: dateBetween('2015-03-01T00:00:00Z', '2026-09-30T00:00:00Z'),
    registration: registrationInfo,
  });
  return u;
}

// ---- story accounts (see demo/README.md) ------------------------------------------------------

const person = (key, first, last, extra) =>
  addUser(key, {
    upn: `${key}@${DOMAIN}`,
    displayName: `${first} ${last}`,
    givenName: first,
    surname: last,
    onPremisesSyncEnabled: true,
    ...extra,
  });

person('nancy.davolio', 'Nancy', 'Davolio', { department: 'Sales', jobTitle: 'Sales Representative', createdDateTime: '2016-05-01T09:12:44Z' });
person('giovanni.rovelli', 'Giovanni', 'Rovelli', { department: 'Sales', jobTitle: 'Partner Sales Manager', createdDateTime: '2019-02-11T10:03:17Z' });
person('michael.suyama', 'Michael', 'Suyama', {
  department: 'Customer Support', jobTitle: 'Support Team Lead', createdDateTime: '2017-10-17T08:41:09Z', perUserMfaState: 'enforced',
});
person('steven.buchanan', 'Steven', 'Buchanan', { department: 'Executive', jobTitle: 'Chief Executive Officer', createdDateTime: '2015-03-04T07:55:00Z' });
person('laura.callahan', 'Laura', 'Callahan', {
  department: 'Finance', jobTitle: 'Finance Controller', createdDateTime: '2018-01-30T13:20:51Z',
  registration: { methods: ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'] },
});
person('priya.raman', 'Priya', 'Raman', { department: 'Engineering', jobTitle: 'Principal Cloud Engineer', createdDateTime: '2020-06-15T09:00:00Z' });
addUser('svc-deploy', {
  upn: `svc-deploy@${DOMAIN}`, displayName: 'svc-deploy (release pipeline)', mail: null, department: 'IT', jobTitle: 'Service account',
  createdDateTime: '2021-04-08T16:22:10Z', registration: { methods: [] },
});
addUser('ext.kmensah', {
  upn: `ext.kmensah@${DOMAIN}`, displayName: 'Kwame Mensah (Contractor)', givenName: 'Kwame', surname: 'Mensah',
  department: 'Engineering', jobTitle: 'Contract Developer', createdDateTime: '2026-02-02T09:30:00Z',
});
person('liam.oconnor', 'Liam', "O'Connor", { department: 'Operations', jobTitle: 'Field Engineer (Leeds depot)', createdDateTime: '2022-09-05T06:45:00Z' });
const adminAccount = (key, first, last, created, extra = {}) =>
  addUser(key, {
    upn: `${key}@${DOMAIN}`, displayName: `${first} ${last} (admin)`, givenName: first, surname: last, mail: null,
    department: 'IT', jobTitle: 'Administrator account', createdDateTime: created,
    registration: { methods: ['microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'passKeyDeviceBoundAuthenticator'] },
    ...extra,
  });
adminAccount('adm-afuller', 'Andrew', 'Fuller', '2019-11-20T10:00:00Z');
adminAccount('adm-jleverling', 'Janet', 'Leverling', '2020-03-02T11:15:00Z');
adminAccount('adm-pwilson', 'Paula', 'Wilson', '2023-07-19T08:05:00Z');
person('margaret.peacock', 'Margaret', 'Peacock', { department: 'Operations', jobTitle: 'Logistics Coordinator', createdDateTime: '2016-08-22T09:10:00Z' });
person('robert.king', 'Robert', 'King', {
  department: 'Sales', jobTitle: 'Sales Representative', createdDateTime: '2017-01-02T09:00:00Z', accountEnabled: false,
});
addUser('breakglass1', {
  upn: `breakglass1@${DOMAIN}`, displayName: 'Emergency access account 1', mail: null, createdDateTime: '2019-06-01T12:00:00Z',
  registration: { methods: ['passKeyDeviceBound'] },
});
addUser('breakglass2', {
  upn: `breakglass2@${DOMAIN}`, displayName: 'Emergency access account 2', mail: null, createdDateTime: '2019-06-01T12:05:00Z',
  registration: { methods: [] },
});
person('yuki.tanaka', 'Yuki', 'Tanaka', {
  department: 'Engineering', jobTitle: 'Software Engineer', createdDateTime: '2026-10-26T08:00:00Z', perUserMfaState: 'enabled',
  onPremisesSyncEnabled: true, registration: { methods: [] },
});
person('anne.dodsworth', 'Anne', 'Dodsworth', { department: 'IT', jobTitle: 'Infrastructure Engineer', createdDateTime: '2018-05-14T09:00:00Z' });
addUser('iwright', {
  upn: `iwright@${DOMAIN}`, mail: `ian.wright@${DOMAIN}`, displayName: 'Ian Wright', givenName: 'Ian', surname: 'Wright',
  department: 'Marketing', jobTitle: 'Marketing Analyst', createdDateTime: '2015-09-09T09:09:09Z', onPremisesSyncEnabled: true,
});
person('andrew.fuller', 'Andrew', 'Fuller', { department: 'Executive', jobTitle: 'Vice President, Sales', createdDateTime: '2015-03-04T08:02:00Z' });

// Guests: B2B collaboration guests (#EXT#, Invitation, ExternalAzureAD), one B2B member, one internal guest.
function addGuest(key, first, last, homeDomain, extra = {}) {
  const home = `${slug(first)}.${slug(last)}@${homeDomain}`;
  return addUser(key, {
    upn: `${home.replace('@', '_')}#EXT#@${DEFAULT_DOMAIN}`,
    displayName: `${first} ${last} (${homeDomain})`,
    givenName: first,
    surname: last,
    mail: home,
    otherMails: [home],
    userType: 'Guest',
    creationType: 'Invitation',
    externalUserState: 'Accepted',
    registration: { methods: [] },
    ...extra,
  });
}
addGuest('guest:ana.trujillo', 'Ana', 'Trujillo', 'fabrikam.com', {
  createdDateTime: '2024-04-03T14:00:00Z', externalUserStateChangeDateTime: '2024-04-03T15:12:00Z', jobTitle: 'Auditor',
});
addGuest('guest:antonio.moreno', 'Antonio', 'Moreno', 'fabrikam.com', {
  createdDateTime: '2023-11-21T10:00:00Z', externalUserStateChangeDateTime: '2023-11-21T10:40:00Z',
});
addGuest('guest:thomas.hardy', 'Thomas', 'Hardy', 'adventure-works.com', {
  createdDateTime: '2022-06-13T10:00:00Z', externalUserStateChangeDateTime: '2022-06-14T08:00:00Z',
});
addGuest('guest:elizabeth.lincoln', 'Elizabeth', 'Lincoln', 'tailspintoys.com', {
  createdDateTime: '2025-09-01T10:00:00Z', externalUserStateChangeDateTime: '2025-09-02T09:30:00Z',
});
addGuest('guest:hanna.moos', 'Hanna', 'Moos', 'adventure-works.com', {
  createdDateTime: '2026-10-20T10:00:00Z', externalUserState: 'PendingAcceptance', externalUserStateChangeDateTime: '2026-10-20T10:00:00Z',
});
addGuest('guest:christina.berglund', 'Christina', 'Berglund', 'tailspintoys.com', {
  createdDateTime: '2021-03-15T10:00:00Z', externalUserStateChangeDateTime: '2021-03-15T11:00:00Z', accountEnabled: false,
});
addUser('b2bmember:lena.schmidt', {
  upn: `lena.schmidt_contoso.com#EXT#@${DEFAULT_DOMAIN}`,
  displayName: 'Lena Schmidt (Contoso, resident consultant)',
  givenName: 'Lena',
  surname: 'Schmidt',
  mail: 'lena.schmidt@contoso.com',
  otherMails: ['lena.schmidt@contoso.com'],
  userType: 'Member',
  creationType: 'Invitation',
  externalUserState: 'Accepted',
  externalUserStateChangeDateTime: '2025-05-06T09:00:00Z',
  department: 'Engineering',
  jobTitle: 'Consultant',
  createdDateTime: '2025-05-05T09:00:00Z',
});
addUser('internalguest:temp.auditor', {
  upn: `temp.auditor@${DOMAIN}`,
  displayName: 'Temporary Auditor (internal guest)',
  userType: 'Guest',
  jobTitle: 'External audit (local account)',
  createdDateTime: '2026-01-12T09:00:00Z',
  registration: { methods: ['email'] },
});

// Other fixed accounts (filler, but named).
adminAccount('adm-dchen', 'Dana', 'Chen', '2021-02-01T09:00:00Z');
adminAccount('adm-slee', 'Samuel', 'Lee', '2022-10-10T09:00:00Z');
person('janine.labrune', 'Janine', 'Labrune', {
  department: 'Marketing', jobTitle: 'Content Manager', createdDateTime: '2019-04-01T09:00:00Z', accountEnabled: false,
});
for (const [first, last, created] of [['Ravi', 'Shah', '2025-11-03T09:00:00Z'], ['Marta', 'Kowalska', '2026-03-16T09:00:00Z'], ['Tom', 'Reilly', '2026-07-01T09:00:00Z']]) {
  addUser(`ext.${slug(first)[0]}${slug(last)}`, {
    upn: `ext.${slug(first)[0]}${slug(last)}@${DOMAIN}`, displayName: `${first} ${last} (Contractor)`, givenName: first, surname: last,
    department: 'Engineering', jobTitle: 'Contract Developer', createdDateTime: created,
  });
}

// ---- filler employees per (sub)group --------------------------------------------------------

const FILLER_PLAN = [
  // [group, department, jobTitle, count]
  ['Sales', 'Sales', 'Account Executive', 14],
  ['Sales-EMEA', 'Sales', 'Account Executive (EMEA)', 8],
  ['Sales-EMEA-Partners-Desk', 'Sales', 'Partner Desk Specialist', 2],
  ['Marketing', 'Marketing', 'Marketing Specialist', 11],
  ['Finance', 'Finance', 'Accountant', 10],
  ['Developers', 'Engineering', 'Software Engineer', 17],
  ['Platform Engineering', 'Engineering', 'Platform Engineer', 2],
  ['Cloud-Platform-Owners', 'Engineering', 'Cloud Engineer', 2],
  ['IT', 'IT', 'IT Specialist', 6],
  ['Human Resources', 'Human Resources', 'HR Partner', 7],
  ['Operations', 'Operations', 'Operations Analyst', 6],
  ['Field-Engineers-North', 'Operations', 'Field Engineer', 2],
  ['Depot-Leeds', 'Operations', 'Field Engineer (Leeds depot)', 3],
  ['Field-Engineers-South', 'Operations', 'Field Engineer', 4],
  ['Customer Support', 'Customer Support', 'Support Engineer', 16],
  ['Legal', 'Legal', 'Counsel', 4],
  ['Executive', 'Executive', 'Director', 2],
];
const fillersByGroup = new Map();
for (const [groupName, dept, title, count] of FILLER_PLAN) {
  const list = [];
  for (let i = 0; i < count; i++) list.push(addFiller(dept, title));
  fillersByGroup.set(groupName, list);
}

// A handful of ordinary users still carry legacy per-user MFA (they are also covered by CA01).
{
  const all = [...fillersByGroup.values()].flat();
  all[3].perUserMfaState = 'enforced';
  all[17].perUserMfaState = 'enabled';
  all[41].perUserMfaState = 'enforced';
  all[77].perUserMfaState = 'enabled';
}

const TARGET_USERS = 150;
if (users.length !== TARGET_USERS) throw new Error(`expected ${TARGET_USERS} users, built ${users.length}`);

// ---------------------------------------------------------------------------------------------
// Groups and (direct) memberships
// ---------------------------------------------------------------------------------------------

const groups = [];
const groupMembers = {};
const groupByName = new Map();

function addGroup(name, o = {}) {
  const g = {
    id: guid(`group:${name}`),
    displayName: name,
    description: o.description ?? null,
    mailEnabled: o.mailEnabled ?? false,
    mailNickname: o.mailNickname ?? slug(name),
    securityEnabled: o.securityEnabled ?? true,
    isAssignableToRole: o.isAssignableToRole ?? false,
    groupTypes: o.groupTypes ?? [],
    membershipRule: o.membershipRule ?? null,
    membershipRuleProcessingState: o.membershipRule ? 'On' : null,
    createdDateTime: o.createdDateTime ?? '2019-01-15T09:00:00Z',
  };
  groups.push(g);
  groupByName.set(name, g);
  groupMembers[g.id] = [];
  return g;
}
const G = (name) => {
  const g = groupByName.get(name);
  if (!g) throw new Error(`unknown group ${name}`);
  return g;
};
const ref = (type, id) => ({ '@odata.type': `#microsoft.graph.${type}`, id });
function addMembers(groupName, members) {
  const list = groupMembers[G(groupName).id];
  for (const m of members) {
    const r = typeof m === 'string'
      ? (groupByName.has(m) && !usersByKey.has(m) ? ref('group', G(m).id) : ref('user', U(m).id))
      : ref('user', m.id);
    if (list.some((x) => x.id === r.id)) throw new Error(`duplicate member ${r.id} in ${groupName}`);
    list.push(r);
  }
}

const DEPARTMENTS = ['Sales', 'Marketing', 'Finance', 'Engineering', 'IT', 'Human Resources', 'Operations', 'Customer Support', 'Legal', 'Executive'];
addGroup('Northwind-All-Staff', { description: 'Every department (nested department groups)', createdDateTime: '2015-03-05T09:00:00Z' });
for (const d of DEPARTMENTS) addGroup(d, { description: `${d} department`, createdDateTime: '2015-03-05T09:00:00Z' });
addGroup('Sales-EMEA', { description: 'Sales team, Europe / Middle East / Africa' });
addGroup('Sales-EMEA-Partners-Desk', { description: 'Partner desk (EMEA); nests Sales-EMEA back for shared mailing (a harmless cycle)' });
addGroup('Developers', { description: 'Application developers' });
addGroup('Platform Engineering', { description: 'Platform and cloud infrastructure engineering' });
addGroup('Cloud-Platform-Owners', { description: 'Engineers who own the Azure landing zone' });
addGroup('Azure-Platform-Admins', { description: 'Owner on the mg-northwind management group (nests Cloud-Platform-Owners)', createdDateTime: '2020-06-10T09:00:00Z' });
addGroup('Field-Engineers', { description: 'All field engineers (policy CA07)' });
addGroup('Field-Engineers-North', { description: 'Field engineers, northern depots' });
addGroup('Field-Engineers-South', { description: 'Field engineers, southern depots' });
addGroup('Depot-Leeds', { description: 'Leeds depot crew' });
addGroup('Contractors', { description: 'External contractors with internal accounts (policy CA11)', createdDateTime: '2021-01-11T09:00:00Z' });
addGroup('Admin-Accounts', { description: 'Separate administrator accounts (covered by the admin policy CA02 instead of CA01)', createdDateTime: '2019-11-20T09:00:00Z' });
addGroup('CA-Exclusions', { description: 'Exclusions from the baseline MFA policy', createdDateTime: '2023-03-14T09:00:00Z' });
addGroup('CA-Exclusions-BreakGlass', { description: 'Emergency access accounts, excluded from every Conditional Access policy', createdDateTime: '2019-06-01T12:10:00Z' });
addGroup('Tier0-Global-Admins', {
  description: 'Role-assignable group holding Global Administrator', isAssignableToRole: true, createdDateTime: '2022-02-14T09:00:00Z',
});
addGroup('Leavers', { description: 'Accounts in offboarding (blocked by CA15)', createdDateTime: '2020-01-06T09:00:00Z' });
addGroup('External-Partners', { description: 'B2B guests and external consultants' });
addGroup('Northwind Social', {
  description: 'Company social group', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'], createdDateTime: '2018-09-01T09:00:00Z',
});
addGroup('Dyn-All-Employees', {
  description: 'Dynamic: every enabled member account with a department',
  groupTypes: ['DynamicMembership'],
  membershipRule: '(user.userType -eq "Member") -and (user.accountEnabled -eq true) -and (user.department -ne null)',
  createdDateTime: '2021-06-01T09:00:00Z',
});

// Department tree (depth >= 3): All-Staff > Engineering > Platform Engineering > Cloud-Platform-Owners,
// and Operations > Field-Engineers > Field-Engineers-North > Depot-Leeds.
addMembers('Northwind-All-Staff', DEPARTMENTS);
addMembers('Sales', ['Sales-EMEA', 'nancy.davolio', 'robert.king', ...fillersByGroup.get('Sales')]);
addMembers('Sales-EMEA', ['Sales-EMEA-Partners-Desk', ...fillersByGroup.get('Sales-EMEA')]);
addMembers('Sales-EMEA-Partners-Desk', ['Sales-EMEA', 'giovanni.rovelli', ...fillersByGroup.get('Sales-EMEA-Partners-Desk')]); // cycle
addMembers('Marketing', ['iwright', 'janine.labrune', ...fillersByGroup.get('Marketing')]);
addMembers('Finance', ['laura.callahan', ...fillersByGroup.get('Finance')]);
addMembers('Engineering', ['Developers', 'Platform Engineering']);
addMembers('Developers', ['yuki.tanaka', ...fillersByGroup.get('Developers')]);
addMembers('Platform Engineering', ['Cloud-Platform-Owners', ...fillersByGroup.get('Platform Engineering')]);
addMembers('Cloud-Platform-Owners', ['priya.raman', ...fillersByGroup.get('Cloud-Platform-Owners')]);
addMembers('Azure-Platform-Admins', ['Cloud-Platform-Owners']);
addMembers('IT', ['anne.dodsworth', ...fillersByGroup.get('IT')]);
addMembers('Human Resources', fillersByGroup.get('Human Resources'));
addMembers('Operations', ['Field-Engineers', 'margaret.peacock', ...fillersByGroup.get('Operations')]);
addMembers('Field-Engineers', ['Field-Engineers-North', 'Field-Engineers-South']);
addMembers('Field-Engineers-North', ['Depot-Leeds', ...fillersByGroup.get('Field-Engineers-North')]);
addMembers('Depot-Leeds', ['liam.oconnor', ...fillersByGroup.get('Depot-Leeds')]);
addMembers('Field-Engineers-South', fillersByGroup.get('Field-Engineers-South'));
addMembers('Customer Support', ['michael.suyama', ...fillersByGroup.get('Customer Support')]);
addMembers('Legal', fillersByGroup.get('Legal'));
addMembers('Executive', ['steven.buchanan', 'andrew.fuller', ...fillersByGroup.get('Executive')]);
addMembers('Contractors', ['ext.kmensah', 'ext.rshah', 'ext.mkowalska', 'ext.treilly']);
addMembers('Admin-Accounts', ['adm-afuller', 'adm-jleverling', 'adm-pwilson', 'adm-dchen', 'adm-slee']);
addMembers('CA-Exclusions', ['Contractors', 'Admin-Accounts', 'Field-Engineers', 'svc-deploy', 'giovanni.rovelli', 'michael.suyama', 'laura.callahan']);
addMembers('CA-Exclusions-BreakGlass', ['breakglass1', 'breakglass2']);
addMembers('Tier0-Global-Admins', ['adm-afuller']);
addMembers('Leavers', ['margaret.peacock', 'robert.king', 'janine.labrune']);
addMembers('External-Partners', ['guest:ana.trujillo', 'guest:antonio.moreno', 'guest:thomas.hardy', 'guest:elizabeth.lincoln', 'guest:hanna.moos',
  'guest:christina.berglund', 'b2bmember:lena.schmidt']);
addMembers('Northwind Social', users.filter((u) => u.userType === 'Member' && u.department && u.accountEnabled && u.mail && !u.userPrincipalName.includes('#EXT#')).slice(0, 60));
addMembers('Dyn-All-Employees', users.filter((u) => u.userType === 'Member' && u.accountEnabled && u.department));

// ---------------------------------------------------------------------------------------------
// Service principals
// ---------------------------------------------------------------------------------------------

const sp = (key, appId, displayName, type, owner) => ({
  id: guid(`sp:${key}`),
  appId,
  displayName,
  servicePrincipalType: type,
  accountEnabled: true,
  appOwnerOrganizationId: owner,
});
const servicePrincipals = [
  sp('arm', ARM_APP, 'Windows Azure Service Management API', 'Application', MICROSOFT_TENANT),
  sp('graph', '00000003-0000-0000-c000-000000000000', 'Microsoft Graph', 'Application', MICROSOFT_TENANT),
  sp('exo', '00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online', 'Application', MICROSOFT_TENANT),
  sp('azcli', '04b07795-8ddb-461a-bbee-02f9e1bf7b46', 'Microsoft Azure CLI', 'Application', MICROSOFT_TENANT),
  sp('azps', '1950a258-227b-4e31-a9cf-717495945fc2', 'Microsoft Azure PowerShell', 'Application', MICROSOFT_TENANT),
  sp('portal', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Azure Portal', 'Application', MICROSOFT_TENANT),
  sp('github', guid('app:github-actions-deploy'), 'github-actions-deploy', 'Application', TENANT_ID),
  sp('ordersapi', guid('app:northwind-orders-api'), 'northwind-orders-api', 'Application', TENANT_ID),
  { ...sp('mi', guid('app:mi-orders-func'), 'mi-northwind-orders-func', 'ManagedIdentity', null), alternativeNames: [`isExplicit=False`, `${rgScope(SUB.prod, 'rg-orders-prod')}/providers/Microsoft.Web/sites/northwind-orders-func`] },
];
const SP = Object.fromEntries(servicePrincipals.map((s) => [s.displayName, s]));

// ---------------------------------------------------------------------------------------------
// Directory roles: active assignments and PIM eligibility
// ---------------------------------------------------------------------------------------------

const AU_UK = guid('au:UK Depots');
const activeRole = (roleId, principalId, directoryScopeId = '/') => ({
  id: directoryScopeId === '/' ? roleAssignmentId(roleId, principalId) : guid(`roleAssignment:${roleId}:${principalId}:${directoryScopeId}`),
  principalId,
  roleDefinitionId: roleId,
  directoryScopeId,
  appScopeId: null,
  condition: null,
});
const roleAssignments = [
  activeRole(ROLE.globalAdmin, U('breakglass1').id),
  activeRole(ROLE.globalAdmin, U('breakglass2').id),
  activeRole(ROLE.globalAdmin, G('Tier0-Global-Admins').id), // GA through a role-assignable group
  activeRole(ROLE.exchangeAdmin, U('adm-dchen').id),
  activeRole(ROLE.helpdeskAdmin, U('adm-slee').id),
  activeRole(ROLE.userAdmin, U('adm-pwilson').id, `/administrativeUnits/${AU_UK}`), // AU-scoped
  activeRole(ROLE.reportsReader, U('anne.dodsworth').id), // not privileged
];

const eligibility = (key, roleId, principalId, start, expiration) => ({
  id: guid(`eligibility:${key}`),
  principalId,
  roleDefinitionId: roleId,
  directoryScopeId: '/',
  appScopeId: null,
  createdUsing: guid(`eligibility:${key}`),
  createdDateTime: start,
  modifiedDateTime: null,
  status: 'Provisioned',
  memberType: 'Direct',
  scheduleInfo: { startDateTime: start, recurrence: null, expiration },
});
const roleEligibilitySchedules = [
  // Only eligible (never active) for Global Administrator.
  eligibility('jleverling-ga', ROLE.globalAdmin, U('adm-jleverling').id, '2024-02-01T09:00:00Z', { type: 'noExpiration', endDateTime: null, duration: null }),
  // Current eligibility on top of an active role.
  eligibility('afuller-pra', ROLE.privilegedRoleAdmin, U('adm-afuller').id, '2025-04-01T09:00:00Z', { type: 'afterDateTime', endDateTime: '2027-03-31T00:00:00Z', duration: null }),
  eligibility('dchen-secadmin', ROLE.securityAdmin, U('adm-dchen').id, '2025-09-15T09:00:00Z', { type: 'afterDateTime', endDateTime: '2027-09-15T00:00:00Z', duration: null }),
  // Expired before collection: not a holding any more.
  eligibility('dodsworth-secadmin', ROLE.securityAdmin, U('anne.dodsworth').id, '2025-10-01T09:00:00Z', { type: 'afterDateTime', endDateTime: '2026-09-30T00:00:00Z', duration: null }),
];

// ---------------------------------------------------------------------------------------------
// Azure: subscriptions, role definitions, role assignments, classic administrators
// ---------------------------------------------------------------------------------------------

const subscriptions = [
  ['prod', 'Northwind-Production'],
  ['dev', 'Northwind-Development'],
  ['sandbox', 'Northwind-Sandbox'],
].map(([k, name]) => ({
  id: subScope(SUB[k]),
  authorizationSource: 'RoleBased',
  managedByTenants: [],
  subscriptionId: SUB[k],
  tenantId: TENANT_ID,
  displayName: name,
  state: 'Enabled',
  subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
}));

const azDef = (guidId, roleName, type, description, permissions, assignableScopes, idPrefix = '') => ({
  properties: {
    roleName,
    type,
    description,
    assignableScopes,
    permissions: permissions.map((p) => ({ actions: p.actions, notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [] })),
    createdOn: type === 'BuiltInRole' ? '2015-02-02T21:55:09.8806423Z' : '2023-05-10T12:00:00.0000000Z',
    updatedOn: type === 'BuiltInRole' ? '2024-05-20T15:45:00.0000000Z' : '2025-01-22T08:30:00.0000000Z',
    createdBy: type === 'BuiltInRole' ? null : U('priya.raman').id,
    updatedBy: type === 'BuiltInRole' ? null : U('priya.raman').id,
  },
  id: `${idPrefix}/providers/Microsoft.Authorization/roleDefinitions/${guidId}`,
  type: 'Microsoft.Authorization/roleDefinitions',
  name: guidId,
});
const azureRoleDefinitions = [
  azDef(AZ.owner, 'Owner', 'BuiltInRole', 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.', [{ actions: ['*'] }], ['/']),
  azDef(AZ.contributor, 'Contributor', 'BuiltInRole',
    'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
    [{
      actions: ['*'],
      notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action',
        'Microsoft.Blueprint/blueprintAssignments/write', 'Microsoft.Blueprint/blueprintAssignments/delete', 'Microsoft.Compute/galleries/share/action',
        'Microsoft.Purview/consents/write', 'Microsoft.Purview/consents/delete', 'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
        'Microsoft.Subscription/cancel/action', 'Microsoft.Subscription/enable/action'],
    }], ['/']),
  azDef(AZ.reader, 'Reader', 'BuiltInRole', 'View all resources, but does not allow you to make any changes.', [{ actions: ['*/read'] }], ['/']),
  azDef(AZ.userAccessAdmin, 'User Access Administrator', 'BuiltInRole', 'Lets you manage user access to Azure resources.',
    [{ actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'] }], ['/']),
  azDef(AZ.vmOperator, 'Northwind VM Operator', 'CustomRole', 'Start, stop, restart and redeploy virtual machines; read everything in scope.', [{
    actions: ['*/read', 'Microsoft.Compute/virtualMachines/start/action', 'Microsoft.Compute/virtualMachines/powerOff/action',
      'Microsoft.Compute/virtualMachines/restart/action', 'Microsoft.Compute/virtualMachines/deallocate/action', 'Microsoft.Compute/virtualMachines/redeploy/action',
      'Microsoft.Support/*'],
    notActions: [],
  }], [MG], subScope(SUB.prod)),
  azDef(AZ.costReader, 'Northwind Cost Reader', 'CustomRole', 'Read cost, budgets and invoices.', [{
    actions: ['Microsoft.Consumption/*/read', 'Microsoft.CostManagement/*/read', 'Microsoft.Billing/*/read', 'Microsoft.Resources/subscriptions/read',
      'Microsoft.Resources/subscriptions/resourceGroups/read'],
    notActions: [],
  }], [MG], subScope(SUB.prod)),
];

const azAssign = (key, scope, roleGuid, principalId, principalType, createdOn) => {
  const name = guid(`ra:${key}`);
  const defScope = scope.startsWith('/subscriptions/') ? `/subscriptions/${scope.split('/')[2]}` : '';
  return {
    properties: {
      roleDefinitionId: `${defScope}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
      principalId,
      principalType,
      scope,
      condition: null,
      conditionVersion: null,
      createdOn,
      updatedOn: createdOn,
      createdBy: U('priya.raman').id,
      updatedBy: U('priya.raman').id,
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name,
  };
};
const azureRoleAssignments = [
  // management group scope
  azAssign('mg-owner-platform', MG, AZ.owner, G('Azure-Platform-Admins').id, 'Group', '2020-06-10T10:00:00.0000000Z'),
  azAssign('mg-reader-ceo', MG, AZ.reader, U('steven.buchanan').id, 'User', '2021-01-05T10:00:00.0000000Z'),
  azAssign('mg-uaa-afuller', MG, AZ.userAccessAdmin, U('adm-afuller').id, 'User', '2022-02-14T10:00:00.0000000Z'),
  // subscription scope
  azAssign('prod-contrib-svcdeploy', subScope(SUB.prod), AZ.contributor, U('svc-deploy').id, 'User', '2021-04-08T17:00:00.0000000Z'),
  azAssign('prod-costreader-finance', subScope(SUB.prod), AZ.costReader, G('Finance').id, 'Group', '2023-05-10T12:30:00.0000000Z'),
  azAssign('prod-reader-mi', subScope(SUB.prod), AZ.reader, SP['mi-northwind-orders-func'].id, 'ServicePrincipal', '2024-03-01T10:00:00.0000000Z'),
  azAssign('dev-contrib-developers', subScope(SUB.dev), AZ.contributor, G('Developers').id, 'Group', '2020-07-01T10:00:00.0000000Z'),
  azAssign('dev-contrib-github', subScope(SUB.dev), AZ.contributor, SP['github-actions-deploy'].id, 'ServicePrincipal', '2022-09-12T10:00:00.0000000Z'),
  azAssign('sandbox-owner-jleverling', subScope(SUB.sandbox), AZ.owner, U('adm-jleverling').id, 'User', '2023-08-30T10:00:00.0000000Z'),
  // resource group scope
  azAssign('rg-ordersdev-contrib-kmensah', rgScope(SUB.dev, 'rg-orders-dev'), AZ.contributor, U('ext.kmensah').id, 'User', '2026-02-03T10:00:00.0000000Z'),
  azAssign('rg-depot-vmop-fenorth', rgScope(SUB.prod, 'rg-depot-iot'), AZ.vmOperator, G('Field-Engineers-North').id, 'Group', '2024-06-01T10:00:00.0000000Z'),
  azAssign('rg-depot-vmop-dodsworth', rgScope(SUB.prod, 'rg-depot-iot'), AZ.vmOperator, U('anne.dodsworth').id, 'User', '2024-06-01T10:05:00.0000000Z'),
  azAssign('rg-ordersprod-reader-trujillo', rgScope(SUB.prod, 'rg-orders-prod'), AZ.reader, U('guest:ana.trujillo').id, 'User', '2024-04-04T10:00:00.0000000Z'),
  azAssign('rg-ordersprod-contrib-rking', rgScope(SUB.prod, 'rg-orders-prod'), AZ.contributor, U('robert.king').id, 'User', '2019-05-20T10:00:00.0000000Z'),
];

const classicAdministrators = [
  {
    properties: { emailAddress: U('andrew.fuller').mail, role: 'ServiceAdministrator;AccountAdministrator' },
    id: `${subScope(SUB.prod)}/providers/Microsoft.Authorization/classicAdministrators/${guid('classic:sa')}`,
    type: 'Microsoft.Authorization/classicAdministrators',
    name: guid('classic:sa'),
  },
  {
    // Matches Ian Wright's `mail` (his UPN is iwright@), in different letter case.
    properties: { emailAddress: 'Ian.Wright@NorthwindTraders.com', role: 'CoAdministrator' },
    id: `${subScope(SUB.prod)}/providers/Microsoft.Authorization/classicAdministrators/${guid('classic:coadmin')}`,
    type: 'Microsoft.Authorization/classicAdministrators',
    name: guid('classic:coadmin'),
  },
];

// ---------------------------------------------------------------------------------------------
// Named locations and authentication strengths
// ---------------------------------------------------------------------------------------------

const NL_HQ = guid('nl:hq');
const NL_COUNTRIES = guid('nl:countries');
const namedLocations = [
  {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    id: NL_HQ,
    displayName: 'Northwind HQ and depots',
    createdDateTime: '2022-03-01T09:00:00Z',
    modifiedDateTime: '2025-06-12T14:20:00Z',
    isTrusted: true,
    ipRanges: [
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/25' },
      { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8:4e57::/48' },
    ],
  },
  {
    '@odata.type': '#microsoft.graph.countryNamedLocation',
    id: NL_COUNTRIES,
    displayName: 'Operating countries',
    createdDateTime: '2022-03-01T09:05:00Z',
    modifiedDateTime: '2024-11-04T10:00:00Z',
    countriesAndRegions: ['US', 'GB', 'DE', 'FR', 'CA'],
    includeUnknownCountriesAndRegions: false,
    countryLookupMethod: 'clientIpAddress',
  },
];

const CUSTOM_STRENGTH_ID = guid('strength:northwind-phishing-resistant');
const authenticationStrengthPolicies = [
  ...BUILTIN_STRENGTHS,
  {
    id: CUSTOM_STRENGTH_ID,
    createdDateTime: '2024-09-18T10:00:00Z',
    modifiedDateTime: '2025-03-02T16:45:00Z',
    displayName: 'Northwind admin keys (FIDO2 or Windows Hello)',
    description: 'Custom strength for Azure management: only FIDO2 security keys and Windows Hello for Business',
    policyType: 'custom',
    requirementsSatisfied: 'mfa',
    allowedCombinations: ['fido2', 'windowsHelloForBusiness'],
    combinationConfigurations: [],
  },
];

// ---------------------------------------------------------------------------------------------
// Conditional Access policies (beta shape)
// ---------------------------------------------------------------------------------------------

const GUEST_TYPES_ALL = 'internalGuest,b2bCollaborationGuest,b2bCollaborationMember';
const ALL_TENANTS = { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' };
const BG = G('CA-Exclusions-BreakGlass').id;
const EXCL = G('CA-Exclusions').id;

function ca(key, displayName, o) {
  const id = guid(`ca:${key}`);
  const users = {
    includeUsers: [], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [],
    includeGuestsOrExternalUsers: null, excludeGuestsOrExternalUsers: null, ...o.users,
  };
  const applications = {
    includeApplications: [], excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [],
    applicationFilter: null, ...o.applications,
  };
  const grant = o.grantControls === null ? null : {
    operator: 'OR', builtInControls: [], customAuthenticationFactors: [], termsOfUse: [],
    ...o.grantControls,
  };
  if (grant && !('authenticationStrength' in (o.grantControls ?? {}))) {
    grant['authenticationStrength@odata.context'] =
      `https://graph.microsoft.com/beta/$metadata#identity/conditionalAccess/policies('${id}')/grantControls/authenticationStrength/$entity`;
    grant.authenticationStrength = null;
  }
  return {
    id,
    templateId: null,
    displayName,
    createdDateTime: o.created,
    modifiedDateTime: o.modified ?? o.created,
    state: o.state ?? 'enabled',
    partialEnablementStrategy: null,
    sessionControls: o.sessionControls ?? null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ['all'],
      servicePrincipalRiskLevels: [],
      insiderRiskLevels: null,
      platforms: null,
      locations: null,
      devices: null,
      clientApplications: null,
      authenticationFlows: null,
      ...o.conditions,
      applications,
      users,
    },
    grantControls: grant,
  };
}

const ADMIN_ROLES = [ROLE.globalAdmin, ROLE.securityAdmin, ROLE.sharePointAdmin, ROLE.exchangeAdmin, ROLE.conditionalAccessAdmin, ROLE.helpdeskAdmin,
  ROLE.billingAdmin, ROLE.userAdmin, ROLE.authenticationAdmin, ROLE.applicationAdmin, ROLE.cloudApplicationAdmin, ROLE.passwordAdmin,
  ROLE.privilegedAuthenticationAdmin, ROLE.privilegedRoleAdmin];

const conditionalAccessPolicies = [
  // (a) baseline
  ca('01', 'CA01 Require MFA for all users', {
    created: '2023-03-14T09:12:31.5520154Z', modified: '2026-06-02T11:03:47.1029381Z',
    users: {
      includeUsers: ['All'],
      excludeUsers: [U('steven.buchanan').id],
      excludeGroups: [BG, EXCL],
      excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: GUEST_TYPES_ALL, externalTenants: ALL_TENANTS },
    },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (b) role-scoped: active holders only
  ca('02', 'CA02 Require MFA for administrators', {
    created: '2022-02-14T10:00:00.0000000Z', modified: '2025-01-09T08:30:00.0000000Z',
    users: { includeRoles: ADMIN_ROLES, excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (c) authentication strength referenced by id only (custom, phishing-resistant)
  ca('03', 'CA03 Require phishing-resistant MFA for Azure management', {
    created: '2024-09-18T10:30:00.0000000Z', modified: '2025-03-02T17:00:00.0000000Z',
    users: {
      includeUsers: ['All'],
      excludeGroups: [BG, EXCL],
      excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: GUEST_TYPES_ALL, externalTenants: ALL_TENANTS },
    },
    applications: { includeApplications: [ARM_APP] },
    grantControls: { builtInControls: [], authenticationStrength: { id: CUSTOM_STRENGTH_ID } },
  }),
  // (d) Microsoft Admin Portals only
  ca('04', 'CA04 Require MFA for Microsoft admin portals', {
    created: '2024-01-22T15:00:00.0000000Z',
    users: { includeUsers: ['All'], excludeGroups: [BG] },
    applications: { includeApplications: ['MicrosoftAdminPortals'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (e) MFA OR compliant device: does not require MFA
  ca('05', 'CA05 Sales: require MFA or a compliant device', {
    created: '2021-09-07T12:00:00.0000000Z', modified: '2024-05-16T09:45:00.0000000Z',
    users: { includeGroups: [G('Sales').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] },
  }),
  // (f) risk-only
  ca('06', 'CA06 Require MFA for risky sign-ins', {
    created: '2022-05-30T08:00:00.0000000Z',
    users: {
      includeUsers: ['All'],
      excludeGroups: [BG, EXCL],
      excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: GUEST_TYPES_ALL, externalTenants: ALL_TENANTS },
    },
    applications: { includeApplications: ['All'] },
    conditions: { signInRiskLevels: ['high', 'medium'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (g) everywhere except a trusted named location
  ca('07', 'CA07 Field engineers: require MFA outside trusted locations', {
    created: '2022-03-01T10:00:00.0000000Z', modified: '2025-06-12T14:30:00.0000000Z',
    users: { includeGroups: [G('Field-Engineers').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    conditions: { locations: { includeLocations: ['All'], excludeLocations: [NL_HQ] } },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (h) report-only since 2025
  ca('08', 'CA08 Require MFA for guests (pilot)', {
    state: 'enabledForReportingButNotEnforced',
    created: '2025-02-10T13:37:00.0000000Z', modified: '2025-02-12T09:00:00.0000000Z',
    users: { includeUsers: ['GuestsOrExternalUsers'] },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (k) session-only, name says MFA
  ca('09', 'CA09 MFA session lifetime for finance', {
    created: '2023-10-02T09:00:00.0000000Z',
    users: { includeGroups: [G('Finance').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    grantControls: null,
    sessionControls: {
      disableResilienceDefaults: null,
      applicationEnforcedRestrictions: null,
      cloudAppSecurity: null,
      continuousAccessEvaluation: null,
      secureSignInSession: null,
      persistentBrowser: { mode: 'never', isEnabled: true },
      signInFrequency: { value: 8, type: 'hours', authenticationType: 'primaryAndSecondaryAuthentication', frequencyInterval: 'timeBased', isEnabled: true },
    },
  }),
  // (m) B2B guests and members, with an inline (expanded) built-in strength
  ca('10', 'CA10 Require MFA for B2B collaboration users', {
    created: '2023-06-20T10:00:00.0000000Z', modified: '2025-02-12T09:05:00.0000000Z',
    users: {
      includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest,b2bCollaborationMember', externalTenants: ALL_TENANTS },
      excludeGroups: [BG],
    },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: [], authenticationStrength: BUILTIN_STRENGTHS[0] },
  }),
  // (l) All resources except the Azure management app
  ca('11', 'CA11 Require MFA for contractors (except Azure management)', {
    created: '2021-01-11T10:00:00.0000000Z', modified: '2024-08-19T16:10:00.0000000Z',
    users: { includeGroups: [G('Contractors').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'], excludeApplications: [ARM_APP] },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // (i) block legacy authentication
  ca('12', 'CA12 Block legacy authentication', {
    created: '2021-05-04T09:00:00.0000000Z',
    users: { includeUsers: ['All'], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] },
    grantControls: { builtInControls: ['block'] },
  }),
  // (j) disabled
  ca('13', 'CA13 Block access from outside operating countries', {
    state: 'disabled',
    created: '2022-03-01T10:10:00.0000000Z', modified: '2024-11-04T10:05:00.0000000Z',
    users: { includeUsers: ['All'], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    conditions: { locations: { includeLocations: ['All'], excludeLocations: [NL_COUNTRIES] } },
    grantControls: { builtInControls: ['block'] },
  }),
  // (n) user action only
  ca('14', 'CA14 Require MFA to register security info', {
    created: '2022-03-01T10:20:00.0000000Z',
    users: { includeUsers: ['All'], excludeGroups: [BG] },
    applications: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] },
    conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } },
    grantControls: { builtInControls: ['mfa'] },
  }),
  // unconditional block for accounts in offboarding
  ca('15', 'CA15 Block sign-in for leavers', {
    created: '2020-01-06T10:00:00.0000000Z',
    users: { includeGroups: [G('Leavers').id], excludeGroups: [BG] },
    applications: { includeApplications: ['All'] },
    grantControls: { builtInControls: ['block'] },
  }),
];

// ---------------------------------------------------------------------------------------------
// Registration details, authentication methods, per-user MFA requirements
// ---------------------------------------------------------------------------------------------

const MFA_METHODS = new Set(['microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'hardwareOneTimePasscode', 'mobilePhone', 'alternateMobilePhone',
  'officePhone', 'passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'windowsHelloForBusiness', 'fido2SecurityKey']);
const PASSWORDLESS = new Set(['passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'windowsHelloForBusiness', 'fido2SecurityKey']);
const DEFAULT_METHOD = {
  microsoftAuthenticatorPush: 'microsoftAuthenticatorPush',
  mobilePhone: 'mobilePhone',
  passKeyDeviceBound: 'none',
};

const adminUserIds = new Set();
for (const a of roleAssignments) {
  const principal = a.principalId;
  const grp = groups.find((g) => g.id === principal);
  if (grp) for (const m of groupMembers[grp.id]) adminUserIds.add(m.id);
  else adminUserIds.add(principal);
}

const userRegistrationDetails = [];
for (const [key, u] of usersByKey) {
  if (!u.accountEnabled) continue; // the report is collected for every enabled user
  const { methods } = registration.get(key);
  const mfaMethods = methods.filter((m) => MFA_METHODS.has(m));
  const capable = mfaMethods.length > 0;
  const first = methods[0];
  userRegistrationDetails.push({
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    userDisplayName: u.displayName,
    userType: u.userType === 'Guest' ? 'guest' : 'member',
    isAdmin: adminUserIds.has(u.id),
    isSsprRegistered: methods.length > 0,
    isSsprEnabled: u.userType !== 'Guest',
    isSsprCapable: methods.length > 0 && u.userType !== 'Guest',
    isMfaRegistered: capable,
    isMfaCapable: capable,
    isPasswordlessCapable: methods.some((m) => PASSWORDLESS.has(m)),
    lastUpdatedDateTime: '2026-11-01T02:14:09.3174422Z',
    methodsRegistered: methods,
    defaultMfaMethod: capable ? (DEFAULT_METHOD[first] ?? 'microsoftAuthenticatorPush') : 'none',
    isSystemPreferredAuthenticationMethodEnabled: true,
    systemPreferredAuthenticationMethods: capable ? [methods.some((m) => PASSWORDLESS.has(m)) && !methods.includes('microsoftAuthenticatorPush') ? 'Fido2' : 'push'] : [],
    userPreferredMethodForSecondaryAuthentication: capable ? (first === 'mobilePhone' ? 'sms' : 'push') : 'none',
  });
}

const authenticationMethods = {
  [U('breakglass1').id]: [
    { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: PASSWORD_METHOD_ID, password: null, createdDateTime: '2019-06-01T12:00:00Z' },
    {
      '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
      id: guid('method:bg1-fido2'),
      displayName: 'YubiKey 5 NFC (safe A)',
      createdDateTime: '2024-02-20T10:15:00Z',
      aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
      model: 'YubiKey 5 Series',
      attestationCertificates: ['6bb7e9bf3a17cd4e4bdc0b50b0f0e1b5ac1f3e7a'],
      attestationLevel: 'attested',
    },
  ],
  [U('breakglass2').id]: [
    { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: PASSWORD_METHOD_ID, password: null, createdDateTime: '2019-06-01T12:05:00Z' },
  ],
};

const authenticationRequirements = Object.fromEntries(users.map((u) => [u.id, { perUserMfaState: u.perUserMfaState }]));

// ---------------------------------------------------------------------------------------------
// Snapshot
// ---------------------------------------------------------------------------------------------

const snapshot = {
  mfaguardSnapshot: 1,
  tenant: { id: TENANT_ID, displayName: 'Northwind Traders', defaultDomain: DEFAULT_DOMAIN, cloud: 'AzureCloud' },
  collectedAt: COLLECTED_AT,
  users,
  groups,
  groupMembers,
  servicePrincipals,
  roleDefinitions: ROLE_DEFINITIONS,
  roleAssignments,
  roleEligibilitySchedules,
  subscriptions,
  azureRoleDefinitions,
  azureRoleAssignments,
  classicAdministrators,
  conditionalAccessPolicies,
  namedLocations,
  authenticationStrengthPolicies,
  securityDefaults: {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity',
    id: '00000000-0000-0000-0000-000000000005',
    displayName: 'Security Defaults',
    description: 'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.',
    isEnabled: false,
  },
  authenticationRequirements,
  userRegistrationDetails,
  authenticationMethods,
  unavailable: {},
};

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? resolve(here, '..', 'demo', 'tenant.json'));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(snapshot, null, 2)}\n`);
process.stdout.write(
  `wrote ${out}: ${users.length} users, ${groups.length} groups, ${conditionalAccessPolicies.length} CA policies, ` +
  `${azureRoleAssignments.length} Azure role assignments\n`,
);

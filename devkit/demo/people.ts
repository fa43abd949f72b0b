/**
 * The demo tenant's users: the story accounts (demo/README.md), guests, and seeded filler employees,
 * with what each has registered for MFA (read by registration.ts).
 */
import type { GraphUser } from '../../src/snapshot/types.js';
import { DEFAULT_DOMAIN, DOMAIN } from './constants.js';
import { chance, dateBetween, guid, pick, rand } from './random.js';

/** A demo user: Graph's user object as the demo selects it (beta `$select` of snapshot.md, plus department/jobTitle). */
export interface DemoUser extends GraphUser {
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  userType: string;
  accountEnabled: boolean;
  department: string | null;
  perUserMfaState: string;
}

/** The authentication methods a user has registered (what the registration report is derived from). */
export interface Registration {
  methods: string[];
}

interface UserOptions {
  upn: string;
  displayName: string;
  givenName?: string;
  surname?: string;
  mail?: string | null;
  otherMails?: string[];
  userType?: string;
  accountEnabled?: boolean;
  creationType?: string;
  externalUserState?: string;
  externalUserStateChangeDateTime?: string;
  identities?: GraphUser['identities'];
  onPremisesSyncEnabled?: boolean | null;
  createdDateTime?: string;
  department?: string;
  jobTitle?: string;
  perUserMfaState?: string;
  registration?: Registration;
}

export const users: DemoUser[] = [];
export const usersByKey = new Map<string, DemoUser>();
/** Everything the registration report / methods need, per user key. */
export const registration = new Map<string, Registration>();

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

const usedUpns = new Set<string>();
export const slug = (s: string): string => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '');

/**
 * Adds a Graph user (beta `$select` of snapshot.md, plus department/jobTitle).
 * `key` is a stable handle used for ids and cross-references.
 */
function addUser(key: string, o: UserOptions): DemoUser {
  if (usersByKey.has(key)) throw new Error(`duplicate user key ${key}`);
  const upn = o.upn;
  if (usedUpns.has(upn.toLowerCase())) throw new Error(`duplicate UPN ${upn}`);
  usedUpns.add(upn.toLowerCase());
  const external = upn.includes('#EXT#');
  const u: DemoUser = {
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

export const U = (key: string): DemoUser => {
  const u = usersByKey.get(key);
  if (!u) throw new Error(`unknown user ${key}`);
  return u;
};

/** A filler employee with a generated name (UPN firstname.lastname@). */
function addFiller(dept: string, jobTitle: string): DemoUser {
  let first: string;
  let last: string;
  let upn: string;
  do {
    first = pick(FIRST);
    last = pick(LAST);
    upn = `${slug(first)}.${slug(last)}@${DOMAIN}`;
  } while (usedUpns.has(upn));
  const key = `filler:${slug(first)}.${slug(last)}`;
  const r = rand();
  const registrationInfo: Registration = r < 0.07
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

const person = (key: string, first: string, last: string, extra: Partial<UserOptions>) =>
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
const adminAccount = (key: string, first: string, last: string, created: string, extra: Partial<UserOptions> = {}) =>
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
function addGuest(key: string, first: string, last: string, homeDomain: string, extra: Partial<UserOptions> = {}): DemoUser {
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
for (const [first, last, created] of [['Ravi', 'Shah', '2025-11-03T09:00:00Z'], ['Marta', 'Kowalska', '2026-03-16T09:00:00Z'], ['Tom', 'Reilly', '2026-07-01T09:00:00Z']] as const) {
  addUser(`ext.${slug(first)[0]}${slug(last)}`, {
    upn: `ext.${slug(first)[0]}${slug(last)}@${DOMAIN}`, displayName: `${first} ${last} (Contractor)`, givenName: first, surname: last,
    department: 'Engineering', jobTitle: 'Contract Developer', createdDateTime: created,
  });
}

// ---- filler employees per (sub)group --------------------------------------------------------

const FILLER_PLAN: [group: string, department: string, jobTitle: string, count: number][] = [
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
export const fillersByGroup = new Map<string, DemoUser[]>();
for (const [groupName, dept, title, count] of FILLER_PLAN) {
  const list: DemoUser[] = [];
  for (let i = 0; i < count; i++) list.push(addFiller(dept, title));
  fillersByGroup.set(groupName, list);
}

// A handful of ordinary users still carry legacy per-user MFA (they are also covered by CA01).
{
  const all = [...fillersByGroup.values()].flat();
  all[3]!.perUserMfaState = 'enforced';
  all[17]!.perUserMfaState = 'enabled';
  all[41]!.perUserMfaState = 'enforced';
  all[77]!.perUserMfaState = 'enabled';
}

const TARGET_USERS = 150;
if (users.length !== TARGET_USERS) throw new Error(`expected ${TARGET_USERS} users, built ${users.length}`);

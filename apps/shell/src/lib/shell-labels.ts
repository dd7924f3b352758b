// Every label the shell writes itself, in English and Danish (ADR 0305). Names from the registry
// (a micro-frontend's title) and messages the identity service writes stay as they come.
import { labelsFor, pickLocale, preferredLocales, type LabelCatalogue, type Labels } from '@atrium/contracts';

const en = {
  signingIn: 'Signing in…',
  couldNotStart: 'Atrium could not start',
  tryAgain: 'Try again',
  skipToContent: 'Skip to content',
  navigation: 'Navigation',
  mainNavigation: 'Main',
  tenant: 'Tenant',
  userMenu: 'User menu',
  systemTheme: 'System theme',
  lightTheme: 'Light theme',
  darkTheme: 'Dark theme',
  signOut: 'Sign out',
  notifications: 'Notifications',
  dismissNotification: 'Dismiss notification',
  retry: 'Retry',
  reload: 'Reload',
  registryFailed: 'The micro-frontend registry could not be loaded.',
  registryFailedBecause: 'The micro-frontend registry could not be loaded: {reason}',
  home: 'Home',
  welcome: 'Welcome, {username}',
  signedInFor: 'You are signed in for {tenant}.',
  signedInAsOperator: 'You are signed in as the platform operator.',
  pageNotFound: 'Page not found',
  nothingHere: 'There is nothing at this address, or your role may not open it.',
  goToStart: 'Go to the start page',
  pageFailed: 'This page failed',
  loadingAdministration: 'Loading administration…',
  administration: 'Administration',
  unavailable: '{title} is unavailable',
  newVersionPublished: 'A new version of {title} was published. Reload the page to use it.',
  newVersionAvailable: 'A new version of {title} is available.',
  loadingElement: 'Loading {title}…',
  couldNotBeStarted: '{title} could not be started.',
  stoppedWithError: '{title} stopped with an error: {message}',
  didNotStart: '{title} did not start within {seconds} s',
  failedWhileStarting: '{title} failed while starting: {message}',
  failedIntegrity: '{title} failed its integrity check',
  notDownloaded: '{title} could not be downloaded',
  devOverride:
    '{title} comes from your development server {origin}, in this browser only (?mfe-override={name}= ends it).',
  tenants: 'Tenants',
  id: 'ID',
  name: 'Name',
  created: 'Created',
  createTenant: 'Create tenant',
  tenantId: 'Tenant ID',
  tenantName: 'Tenant name',
  tenantFieldsRequired: 'Tenant ID and name are required.',
  tenantCreated: 'Tenant {name} created',
  users: 'Users',
  usersOf: 'Users of {tenant}',
  username: 'Username',
  email: 'Email',
  password: 'Password',
  roles: 'Roles',
  status: 'Status',
  actions: 'Actions',
  active: 'Active',
  disabled: 'Disabled',
  enable: 'Enable',
  disable: 'Disable',
  enableUser: 'Enable {username}',
  disableUser: 'Disable {username}',
  createUser: 'Create user',
  pleaseGive: 'Please give {missing}.',
  missingUsername: 'username',
  missingEmail: 'email',
  missingPassword: 'password',
  missingRole: 'at least one role',
  userCreated: 'User {username} created',
  userEnabled: 'User {username} enabled',
  userDisabled: 'User {username} disabled',
};

export type ShellLabel = keyof typeof en;

export const SHELL_LABELS: LabelCatalogue<ShellLabel> = {
  en,
  da: {
    signingIn: 'Logger ind…',
    couldNotStart: 'Atrium kunne ikke starte',
    tryAgain: 'Prøv igen',
    skipToContent: 'Gå til indholdet',
    navigation: 'Navigation',
    mainNavigation: 'Hovedmenu',
    tenant: 'Kunde',
    userMenu: 'Brugermenu',
    systemTheme: 'Systemets tema',
    lightTheme: 'Lyst tema',
    darkTheme: 'Mørkt tema',
    signOut: 'Log ud',
    notifications: 'Beskeder',
    dismissNotification: 'Luk beskeden',
    retry: 'Prøv igen',
    reload: 'Genindlæs',
    registryFailed: 'Oversigten over mikro-frontends kunne ikke indlæses.',
    registryFailedBecause: 'Oversigten over mikro-frontends kunne ikke indlæses: {reason}',
    home: 'Forside',
    welcome: 'Velkommen, {username}',
    signedInFor: 'Du er logget ind for {tenant}.',
    signedInAsOperator: 'Du er logget ind som platformens operatør.',
    pageNotFound: 'Siden findes ikke',
    nothingHere: 'Der er intet på denne adresse, eller din rolle må ikke åbne den.',
    goToStart: 'Gå til forsiden',
    pageFailed: 'Siden fejlede',
    loadingAdministration: 'Indlæser administration…',
    administration: 'Administration',
    unavailable: '{title} er ikke tilgængelig',
    newVersionPublished: 'En ny version af {title} er udgivet. Genindlæs siden for at bruge den.',
    newVersionAvailable: 'En ny version af {title} er tilgængelig.',
    loadingElement: 'Indlæser {title}…',
    couldNotBeStarted: '{title} kunne ikke startes.',
    stoppedWithError: '{title} stoppede med en fejl: {message}',
    didNotStart: '{title} startede ikke inden for {seconds} s',
    failedWhileStarting: '{title} fejlede under opstarten: {message}',
    failedIntegrity: '{title} bestod ikke integritetskontrollen',
    notDownloaded: '{title} kunne ikke hentes',
    devOverride:
      '{title} kommer fra din udviklingsserver {origin}, kun i denne browser (?mfe-override={name}= afslutter det).',
    tenants: 'Kunder',
    id: 'ID',
    name: 'Navn',
    created: 'Oprettet',
    createTenant: 'Opret kunde',
    tenantId: 'Kunde-ID',
    tenantName: 'Kundens navn',
    tenantFieldsRequired: 'Kunde-ID og navn skal udfyldes.',
    tenantCreated: 'Kunden {name} er oprettet',
    users: 'Brugere',
    usersOf: 'Brugere hos {tenant}',
    username: 'Brugernavn',
    email: 'E-mail',
    password: 'Adgangskode',
    roles: 'Roller',
    status: 'Status',
    actions: 'Handlinger',
    active: 'Aktiv',
    disabled: 'Deaktiveret',
    enable: 'Aktivér',
    disable: 'Deaktivér',
    enableUser: 'Aktivér {username}',
    disableUser: 'Deaktivér {username}',
    createUser: 'Opret bruger',
    pleaseGive: 'Angiv venligst {missing}.',
    missingUsername: 'brugernavn',
    missingEmail: 'e-mail',
    missingPassword: 'adgangskode',
    missingRole: 'mindst én rolle',
    userCreated: 'Brugeren {username} er oprettet',
    userEnabled: 'Brugeren {username} er aktiveret',
    userDisabled: 'Brugeren {username} er deaktiveret',
  },
};

/** The signed-in user's own locale (their `locale` claim), once the session is known. */
let userLocale: string | undefined;

/**
 * Prefers the signed-in user's own locale to the browser's from now on (the elements get it in
 * their context and pick the same), and gives the document its language.
 */
export function preferUserLocale(locale: string | undefined): void {
  userLocale = locale;
  document.documentElement.lang = pageLocale();
}

/** The page's one locale: the shell sets `<html lang>` from it, and the elements pick the same. */
export function pageLocale(): string {
  return pickLocale(preferredLocales(userLocale, navigator.languages));
}

/**
 * A shell label in the page's locale. Read at each call (it is cheap), so the page's language is
 * the browser's current choice, as the elements read it when they start.
 */
export const label: Labels<ShellLabel> = (key, parameters) =>
  labelsFor(SHELL_LABELS, pageLocale())(key, parameters);

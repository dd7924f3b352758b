// Fixtures for component and element tests of any Atrium element (never part of a bundle).
import type { ElementContext, Role } from '@atrium/contracts';
import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { defineElement } from '../define-element';
import type { ElementDefinition } from '../element-definition';

/** A custom element as the shell sees it: an HTMLElement with a `context` property. */
export type ElementUnderTest = HTMLElement & { context?: ElementContext };

/** A context as the shell builds it, for a demo user of Tenant A with the given roles. */
export function testElementContext(options: {
  readonly roles: Role[];
  readonly username: string;
  /** The shell route the element is mounted under, e.g. `/payments`. */
  readonly basePath: string;
}): ElementContext {
  const { roles, username, basePath } = options;
  let issued = 0;
  return {
    user: { id: `sub-${username}`, username, email: undefined, roles },
    tenant: { id: 'TenantA', name: 'Tenant A' },
    // A new token each call: the tests check the element never reuses one.
    getAccessToken: async () => `token-${++issued}`,
    api: {
      paymentsGraphql: 'http://api.test/graphql',
      paymentsGraphqlWs: 'ws://api.test/graphql',
      accounts: 'http://api.test/api/accounts',
    },
    basePath,
    initialPath: '',
    colorScheme: 'light',
  };
}

/** Lets the element's zoneless change detection, timers and fetches run to rest. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** What `cleanUpElements` undoes: mounted elements, patched prototypes. */
const cleanUps: (() => void)[] = [];

/**
 * Defines the element (once per page), adds it to the document as the shell does and, given a
 * context, hands it over and lets the element render. `cleanUpElements` removes it again.
 */
export async function mountElement(
  definition: ElementDefinition,
  context?: ElementContext,
): Promise<ElementUnderTest> {
  await defineElement(definition);
  const element: ElementUnderTest = document.createElement(definition.tag);
  document.body.append(element);
  cleanUps.push(() => element.remove());
  if (context) element.context = context;
  await settle();
  return element;
}

/** Removes the elements `mountElement` added and undoes `giveElementsABox`; for `afterEach`. */
export function cleanUpElements(): void {
  for (const cleanUp of cleanUps.splice(0).reverse()) cleanUp();
}

/** The element's shadow root, typed for Testing Library's queries. */
export function shadowOf(element: HTMLElement): HTMLElement {
  if (!element.shadowRoot) throw new Error(`${element.localName} has no shadow root`);
  return element.shadowRoot as unknown as HTMLElement;
}

/** The CSS text inside the element's shadow root, and the CSS the document itself carries. */
export function stylesOf(element: HTMLElement): { readonly shadow: string; readonly document: string } {
  const text = (root: ParentNode): string =>
    [...root.querySelectorAll('style, link[rel=stylesheet]')].map((s) => s.textContent).join('\n');
  return { shadow: text(shadowOf(element)), document: text(document) };
}

/**
 * What is wrong with where the element's styles are, if anything: the theme (`--mat-sys-*`) and a
 * sample of its feature's Material styles (e.g. `.mat-tree`) belong in its shadow root, and no
 * Material style may reach the document.
 */
export function styleIsolationProblems(element: HTMLElement, featureStyle: string): string[] {
  const css = stylesOf(element);
  return [
    css.shadow.includes('--mat-sys-primary') ? '' : 'no theme in the shadow root',
    css.shadow.includes(featureStyle) ? '' : `no ${featureStyle} styles in the shadow root`,
    /mat-|--mat-sys/.test(css.document) ? 'Material styles in the document' : '',
  ].filter(Boolean);
}

/** Clicks the element's button `name` and returns its dialog as soon as the dialog is there. */
export async function openDialog(element: HTMLElement, name: string): Promise<HTMLElement> {
  const shadow = shadowOf(element);
  await userEvent.click(within(shadow).getByRole('button', { name }));
  return within(shadow).findByRole('dialog');
}

/**
 * jsdom lays nothing out, so CDK's focus trap finds no visible field. Gives every element a box,
 * as a browser would, until `cleanUpElements`.
 */
export function giveElementsABox(): void {
  const original = Element.prototype.getClientRects;
  Element.prototype.getClientRects = () => [new DOMRect(0, 0, 10, 10)] as unknown as DOMRectList;
  cleanUps.push(() => {
    Element.prototype.getClientRects = original;
  });
}

/** A fetch that answers like `fetch`, but after `ms` — a real API takes a moment — and lets `onAsk` see each call first. */
export function slowFetch(
  fetch: typeof globalThis.fetch,
  ms: number,
  onAsk: () => void = () => {},
): typeof globalThis.fetch {
  return async (input, init) => {
    onAsk();
    await new Promise((resolve) => setTimeout(resolve, ms));
    return fetch(input, init);
  };
}

/** The tag names of every element added below `root` from now on: a view built twice, or a loading state shown, shows here. */
export function recordAddedElements(root: Node): string[] {
  const added: string[] = [];
  new MutationObserver((records) => {
    for (const record of records)
      for (const node of record.addedNodes)
        if (node instanceof Element)
          added.push(
            node.tagName.toLowerCase(),
            ...[...node.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()),
          );
  }).observe(root, { childList: true, subtree: true });
  return added;
}

// The element kit's render errors, as the shell sees them: a content component that throws while it
// is created is reported with the contract's event instead of leaving a heading over nothing.
import { Component } from '@angular/core';
import { ELEMENT_EVENTS, type RenderErrorDetail } from '@atrium/contracts';
import { cleanUpElements, mountElement, settle, shadowOf } from '@atrium/element-kit/testing';
import type { ElementDefinition } from '@atrium/element-kit';
import { testContext } from '../testing/in-memory-accounts-api';

@Component({ selector: 'test-throwing-content', template: '<p>never shown</p>' })
class ThrowingContent {
  constructor() {
    throw new Error('the feature could not start');
  }
}

@Component({ selector: 'test-throwing-template', template: '<p>{{ broken() }}</p>' })
class ThrowingTemplate {
  protected broken(): string {
    throw new Error('the template could not render');
  }
}

async function reportedErrors(
  definition: ElementDefinition,
): Promise<{ errors: string[]; root: HTMLElement }> {
  const errors: string[] = [];
  const element = await mountElement(definition);
  element.addEventListener(ELEMENT_EVENTS.renderError, (event) =>
    errors.push((event as CustomEvent<RenderErrorDetail>).detail.message),
  );
  vi.spyOn(console, 'error').mockImplementation(() => {});
  element.context = testContext(['member']);
  await settle();
  await settle();
  return { errors, root: shadowOf(element) };
}

describe('element kit render errors', () => {
  afterEach(() => {
    cleanUpElements();
    vi.restoreAllMocks();
  });

  it('reports a content constructor that throws as atrium:render-error, with its message', async () => {
    const { errors, root } = await reportedErrors({
      tag: 'test-throwing-constructor',
      title: 'Throwing',
      content: ThrowingContent,
    });
    expect(errors).toEqual(['the feature could not start']);
    expect(root.textContent).not.toContain('never shown');
  });

  it('reports a first render that throws the same way', async () => {
    const { errors } = await reportedErrors({
      tag: 'test-throwing-render',
      title: 'Throwing',
      content: ThrowingTemplate,
    });
    expect(errors).toEqual(['the template could not render']);
  });
});

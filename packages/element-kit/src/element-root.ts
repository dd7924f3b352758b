import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  ViewEncapsulation,
  ViewContainerRef,
  effect,
  inject,
  input,
  untracked,
  viewChild,
} from '@angular/core';
import { OverlayContainer } from '@angular/cdk/overlay';
import { MatDialog } from '@angular/material/dialog';
import { SHELL_EVENTS, type ElementContext, type RouteChangeDetail } from '@atrium/contracts';
import { ELEMENT_DEFINITION } from './element-definition';
import { ElementHost } from './element-host';
import { markFirstRender } from './first-render-mark';
import { ShadowOverlayContainer } from './shadow-overlay-container';

/**
 * The root of every Atrium element: takes the shell's context, follows the shell's route changes and
 * renders the definition's content into its own shadow root, themed from the design tokens.
 */
@Component({
  selector: 'atrium-element-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  encapsulation: ViewEncapsulation.ShadowDom,
  template: `
    <section aria-labelledby="element-title">
      <h1 id="element-title">{{ definition.title }}</h1>
      <ng-container #content />
      @if (!host.context()) {
        <p role="status">Waiting for the shell…</p>
      }
    </section>
  `,
  styleUrl: './element-root.scss',
  host: {
    '[attr.data-color-scheme]': 'context()?.colorScheme',
  },
})
export class ElementRoot {
  /** Set by the shell as the element's `context` property. */
  readonly context = input<ElementContext>();

  protected readonly definition = inject(ELEMENT_DEFINITION);
  protected readonly host = inject(ElementHost);
  private readonly content = viewChild('content', { read: ViewContainerRef });
  private started = false;

  constructor() {
    const element = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    this.host.attach(element);
    const overlays = inject(OverlayContainer);
    if (overlays instanceof ShadowOverlayContainer && element.shadowRoot)
      overlays.useShadowRoot(element.shadowRoot);
    // The shell tells the element about back/forward inside its base path.
    const onRouteChange = (event: Event): void => {
      const detail = (event as CustomEvent<RouteChangeDetail>).detail;
      if (detail && typeof detail.path === 'string') this.host.path.set(detail.path);
    };
    element.addEventListener(SHELL_EVENTS.routeChange, onRouteChange);
    const dialogs = inject(MatDialog);
    inject(DestroyRef).onDestroy(() => {
      element.removeEventListener(SHELL_EVENTS.routeChange, onRouteChange);
      // The shell removed the element (another route): its dialogs go with it.
      dialogs.closeAll();
    });
    effect(() => {
      const context = this.context();
      untracked(() => {
        this.host.context.set(context);
        // The deep link the shell was opened with counts once; later moves come as route changes.
        if (context && !this.started) {
          this.started = true;
          this.host.path.set(context.initialPath);
        }
      });
    });
    // The feature appears once the shell has handed over its context (its services need it). Its
    // first requests start at once; its view is built in the next task, so that the microtasks
    // that send those requests run in between (see ElementDefinition.prefetch).
    const injector = inject(Injector);
    markFirstRender(`${this.definition.tag}:heading`, injector);
    let building: ReturnType<typeof setTimeout> | undefined;
    inject(DestroyRef).onDestroy(() => clearTimeout(building));
    effect(() => {
      const slot = this.content();
      const ready = this.host.context() !== undefined;
      untracked(() => {
        if (!slot) return;
        if (ready && slot.length === 0 && building === undefined) {
          this.definition.prefetch?.(injector);
          building = setTimeout(() => {
            building = undefined;
            if (this.host.context() !== undefined && slot.length === 0)
              slot.createComponent(this.definition.content);
          });
        } else if (!ready) {
          clearTimeout(building);
          building = undefined;
          slot.clear();
        }
      });
    });
  }
}

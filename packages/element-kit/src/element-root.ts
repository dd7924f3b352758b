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
import { KIT_LABELS } from './kit-labels';
import { ShadowOverlayContainer } from './shadow-overlay-container';

/** How long the feature's view waits for its prefetched answers before it shows its own loading state. */
const PREFETCH_WAIT_MS = 300;

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
      <h1 id="element-title">{{ title }}</h1>
      <ng-container #content />
      @if (!host.context()) {
        <p role="status">{{ label('waitingForShell') }}</p>
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
  protected readonly label = this.host.labels(KIT_LABELS);
  protected readonly title =
    typeof this.definition.title === 'string'
      ? this.definition.title
      : this.definition.title(this.host.locale);
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
    // first requests start at once and the view is built when their answers are there (or after
    // PREFETCH_WAIT_MS): built once, with its data, rather than empty and again a task later (see
    // ElementDefinition.prefetch).
    const injector = inject(Injector);
    markFirstRender(`${this.definition.tag}:heading`, injector);
    let builds = 0;
    let pending = false;
    let waiting: ReturnType<typeof setTimeout> | undefined;
    inject(DestroyRef).onDestroy(() => {
      builds += 1;
      clearTimeout(waiting);
    });
    effect(() => {
      const slot = this.content();
      const ready = this.host.context() !== undefined;
      untracked(() => {
        if (!slot) return;
        if (ready && slot.length === 0 && !pending) {
          pending = true;
          const build = ++builds;
          const answers = Promise.resolve(this.definition.prefetch?.(injector)).catch(() => undefined);
          const patience = new Promise((resolve) => (waiting = setTimeout(resolve, PREFETCH_WAIT_MS)));
          void Promise.race([answers, patience]).then(() => {
            clearTimeout(waiting);
            pending = false;
            if (build !== builds || this.host.context() === undefined || slot.length !== 0) return;
            // A constructor or first render that throws would be an unhandled rejection here, and
            // the page a heading over nothing: the shell is told instead (its panel offers Retry).
            try {
              slot.createComponent(this.definition.content).changeDetectorRef.detectChanges();
            } catch (error) {
              slot.clear();
              console.error(error);
              this.host.renderError(error);
            }
          });
        } else if (!ready) {
          builds += 1;
          pending = false;
          clearTimeout(waiting);
          slot.clear();
        }
      });
    });
  }
}

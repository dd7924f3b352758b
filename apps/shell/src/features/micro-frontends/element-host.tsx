import { useEffect, useRef } from 'react';
import {
  CONTEXT_PROPERTY,
  ELEMENT_EVENTS,
  SHELL_EVENTS,
  type ElementContext,
  type NavigateDetail,
  type NotifyDetail,
  type RegistryEntry,
  type RenderErrorDetail,
} from '@atrium/contracts';
import { entryFolder } from '../../lib/element-loader.ts';

export interface ElementHostProps {
  readonly entry: RegistryEntry;
  readonly context: ElementContext;
  /** The path below the base path the address bar shows now. */
  readonly subPath: string;
  readonly onNavigate: (detail: NavigateDetail) => void;
  readonly onNotify: (detail: NotifyDetail) => void;
  readonly onSessionExpired: () => void;
  /** The element threw (while connecting or later, from its own files) or reported a render error. */
  readonly onCrash: (message: string) => void;
}

/**
 * Mounts the custom element inside a shadow root the shell owns: the entry's stylesheets are
 * linked there (with their integrity), so they style the element and never the shell.
 */
export function ElementHost({
  entry,
  context,
  subPath,
  onNavigate,
  onNotify,
  onSessionExpired,
  onCrash,
}: ElementHostProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const elementRef = useRef<HTMLElement | null>(null);
  const lastPath = useRef(context.initialPath);
  const handlers = useRef({ onNavigate, onNotify, onSessionExpired, onCrash });
  handlers.current = { onNavigate, onNotify, onSessionExpired, onCrash };

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) return;
    const root = container.shadowRoot ?? container.attachShadow({ mode: 'open' });
    const folder = entryFolder(entry.entry);
    const onError = (event: ErrorEvent): void => {
      if (event.filename?.startsWith(folder)) handlers.current.onCrash(event.message);
    };
    // Connecting runs the element's code synchronously; an exception in it is reported, not thrown.
    window.addEventListener('error', onError);
    for (const style of entry.styles) {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = new URL(style.url, document.baseURI).href;
      link.integrity = style.integrity;
      link.crossOrigin = 'anonymous';
      root.append(link);
    }
    const element = document.createElement(entry.element);
    (element as unknown as Record<string, unknown>)[CONTEXT_PROPERTY] = context;
    const navigate = (event: Event): void => {
      const detail = (event as CustomEvent<NavigateDetail>).detail;
      if (typeof detail?.path !== 'string') return;
      lastPath.current = detail.path;
      handlers.current.onNavigate(detail);
    };
    const notify = (event: Event): void => {
      const detail = (event as CustomEvent<NotifyDetail>).detail;
      if (typeof detail?.message === 'string') handlers.current.onNotify(detail);
    };
    const expired = (): void => handlers.current.onSessionExpired();
    const renderError = (event: Event): void => {
      const detail = (event as CustomEvent<RenderErrorDetail>).detail;
      handlers.current.onCrash(typeof detail?.message === 'string' ? detail.message : 'it could not render');
    };
    element.addEventListener(ELEMENT_EVENTS.navigate, navigate);
    element.addEventListener(ELEMENT_EVENTS.notify, notify);
    element.addEventListener(ELEMENT_EVENTS.sessionExpired, expired);
    element.addEventListener(ELEMENT_EVENTS.renderError, renderError);
    elementRef.current = element;
    try {
      root.append(element);
    } catch (error) {
      handlers.current.onCrash((error as Error).message);
    }
    return () => {
      window.removeEventListener('error', onError);
      element.removeEventListener(ELEMENT_EVENTS.navigate, navigate);
      element.removeEventListener(ELEMENT_EVENTS.notify, notify);
      element.removeEventListener(ELEMENT_EVENTS.sessionExpired, expired);
      element.removeEventListener(ELEMENT_EVENTS.renderError, renderError);
      elementRef.current = null;
      root.replaceChildren();
    };
    // The element is created once per entry version; context changes are pushed below.
  }, [entry.entry, entry.element]);

  useEffect(() => {
    const element = elementRef.current as unknown as Record<string, unknown> | null;
    if (element !== null && element[CONTEXT_PROPERTY] !== context) element[CONTEXT_PROPERTY] = context;
  }, [context]);

  // Back/forward or a link inside the base path: tell the element, unless it moved there itself.
  useEffect(() => {
    const element = elementRef.current;
    if (element === null || subPath === lastPath.current) return;
    lastPath.current = subPath;
    element.dispatchEvent(new CustomEvent(SHELL_EVENTS.routeChange, { detail: { path: subPath } }));
  }, [subPath]);

  return <div ref={containerRef} className="element-host" data-micro-frontend={entry.name} />;
}

import { DOCUMENT } from '@angular/common';
import { ɵSHARED_STYLES_HOST as SHARED_STYLES_HOST, type Injector } from '@angular/core';

interface StyleHosts {
  addHost(node: Node): void;
  removeHost(node: Node): void;
}

/**
 * Angular adds the styles of every non-shadow component (all of Angular Material's) to the
 * document head as well as to each shadow root. An element must not style the shell, so the head
 * is refused as a style host: the styles live only in the element's shadow root, where its
 * dialogs and panels render too (ShadowOverlayContainer). This relies on Angular's private
 * SharedStylesHost (ɵ API), pinned with @angular/core; the style-isolation test guards it.
 */
export function keepStylesInShadowRoots(injector: Injector): void {
  const hosts = injector.get(SHARED_STYLES_HOST, null) as StyleHosts | null;
  const head = injector.get(DOCUMENT).head;
  if (!hosts) return;
  const addHost = hosts.addHost.bind(hosts);
  hosts.addHost = (node: Node) => {
    if (node !== head) addHost(node);
  };
  hosts.removeHost(head);
}

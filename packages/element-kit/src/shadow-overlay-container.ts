import { OverlayContainer } from '@angular/cdk/overlay';
import { Injectable } from '@angular/core';

/**
 * Renders Material overlays (dialogs, snackbars, global panels) inside the element's shadow root
 * instead of document.body, so they get the element's theme and never leak into the shell.
 */
@Injectable()
export class ShadowOverlayContainer extends OverlayContainer {
  private root: ShadowRoot | undefined;

  /** Set by the root component once its shadow root exists. */
  useShadowRoot(root: ShadowRoot): void {
    this.root = root;
    if (this._containerElement && this._containerElement.parentNode !== root)
      root.appendChild(this._containerElement);
  }

  protected override _createContainer(): void {
    super._createContainer();
    // super appended to document.body; move it into the shadow root when there is one.
    if (this.root && this._containerElement) this.root.appendChild(this._containerElement);
  }
}
